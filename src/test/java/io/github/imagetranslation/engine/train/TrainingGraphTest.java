package io.github.imagetranslation.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

import io.github.imagetranslation.engine.nn.ArrayArena;
import io.github.imagetranslation.engine.nn.NativeRuntime;

/** The training graph's runs, and the arrays a run hands out being reused by the next. */
class TrainingGraphTest {

	private static final Conv2DConfig CONV = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).pH(1).pW(1).dataFormat("NCHW").build();

	/** A convolution with a weighted-sum loss; {@code x} is fed. */
	private static SameDiff graph(INDArray w, INDArray lossWeights) {
		SameDiff sd = SameDiff.create();
		SDVariable x = sd.placeHolder("x", DataType.FLOAT, 1, 2, 5, 5);
		SDVariable y = sd.cnn().conv2d("y", x, sd.var("w", w.dup()), CONV);
		y.mul(sd.constant("c", lossWeights)).sum().rename("loss");
		return sd;
	}

	/** The gradient for {@code w} from SameDiff's own gradient calculation on a fresh copy of the graph. */
	private static INDArray expectedGradient(INDArray w, INDArray lossWeights, INDArray x) {
		SameDiff sd = graph(w, lossWeights);
		sd.setLossVariables("loss");
		return sd.calculateGradients(Map.of("x", x), "w").get("w");
	}

	@Test
	void aRunReusesTheArraysThePreviousRunHandedOutAndFillsThemAnew() {
		NativeRuntime.prepare();
		Nd4j.getRandom().setSeed(5);
		INDArray w = Nd4j.rand(DataType.FLOAT, 3, 3, 2, 4).subi(0.5), lossWeights = Nd4j.rand(DataType.FLOAT, 1, 4, 5, 5);
		for (boolean oneDnn : new boolean[] { false, true }) {
			TrainingGraph graph = new TrainingGraph(graph(w, lossWeights), "loss", List.of("w"), oneDnn, false);
			INDArray x1 = Nd4j.rand(DataType.FLOAT, 1, 2, 5, 5), x2 = Nd4j.rand(DataType.FLOAT, 1, 2, 5, 5).muli(-3);
			Map<String, INDArray> feeds = new HashMap<>(Map.of("x", x1));
			OutAndGrad first = graph.run(feeds, List.of("loss", "x"));
			INDArray firstGradient = first.getGradients().get("w");
			assertEquals(0, firstGradient.sub(expectedGradient(w, lossWeights, x1)).amaxNumber().doubleValue(), 1e-4, "first run");
			assertSame(x1, first.getOutputs().get("x"), "a fed array asked for comes back as it is");
			INDArray x1Copy = x1.dup();
			graph.release(first, feeds);

			feeds.put("x", x2);
			OutAndGrad second = graph.run(feeds, List.of("loss", "x"));
			assertSame(firstGradient, second.getGradients().get("w"), "oneDNN " + oneDnn + ": the gradient array is reused");
			assertEquals(0, second.getGradients().get("w").sub(expectedGradient(w, lossWeights, x2)).amaxNumber().doubleValue(), 1e-4,
					"oneDNN " + oneDnn + ": the reused array holds the second run's gradient");
			assertFalse(x1.wasClosed(), "a feed is not the session's to take");
			assertEquals(0, x1.sub(x1Copy).amaxNumber().doubleValue(), "and it is not written to");
			graph.release(second, feeds);
			graph.releaseMemory();
		}
	}

	@Test
	void largeArraysComeFromTheArenaAndEveryRunComputesItsOwnGradients() {
		NativeRuntime.prepare();
		Nd4j.getRandom().setSeed(8);
		INDArray w1 = Nd4j.rand(DataType.FLOAT, 3, 3, 16, 16).subi(0.5), w2 = Nd4j.rand(DataType.FLOAT, 3, 3, 16, 16).subi(0.5);
		INDArray lossWeights = Nd4j.rand(DataType.FLOAT, 1, 16, 32, 32);
		java.util.function.Supplier<SameDiff> build = () -> {
			SameDiff sd = SameDiff.create();
			SDVariable x = sd.placeHolder("x", DataType.FLOAT, 1, 16, 32, 32);
			SDVariable h = sd.nn().relu(sd.cnn().conv2d(x, sd.var("w1", w1.dup()), CONV), 0);
			SDVariable y = sd.cnn().conv2d("y", h.mul(h).add(h), sd.var("w2", w2.dup()), CONV);
			y.mul(sd.constant("c", lossWeights)).sum().rename("loss");
			return sd;
		};
		for (boolean oneDnn : new boolean[] { false, true }) {
			TrainingGraph graph = new TrainingGraph(build.get(), "loss", List.of("w1", "w2"), oneDnn, false);
			for (int run = 0; run < 4; run++) {
				Map<String, INDArray> feeds = Map.of("x", Nd4j.rand(DataType.FLOAT, 1, 16, 32, 32).subi(0.5 * run));
				OutAndGrad r = graph.run(feeds, List.of("loss", "y"));
				SameDiff reference = build.get();
				reference.setLossVariables("loss");
				Map<String, INDArray> expected = reference.calculateGradients(feeds, "w1", "w2");
				for (String p : List.of("w1", "w2")) {
					double scale = expected.get(p).amaxNumber().doubleValue();
					assertEquals(0, r.getGradients().get(p).sub(expected.get(p)).amaxNumber().doubleValue(), 1e-4 * scale,
							"oneDNN " + oneDnn + ", run " + run + ", " + p);
				}
				assertEquals(0, r.getOutputs().get("y").sub(reference.output(feeds, "y").get("y")).amaxNumber().doubleValue(), 1e-3,
						"oneDNN " + oneDnn + ", run " + run + ", y");
				InferenceSession session = graph.graph().getFunction("grad").getSessions().get(Thread.currentThread().getId());
				SessionMemMgr memory = ((OutputArrayPool) session.getMmgr()).underlying();
				if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux"))
					assertTrue(memory instanceof ArrayArena && ((ArrayArena) memory).owns(r.getOutputs().get("y")), "an array of 64 KB from the arena");
				graph.release(r, feeds);
			}
			graph.releaseMemory();
		}
	}

	@Test
	void afterTheFirstRunsEveryArrayARunNeedsIsOneItHadBefore() {
		// Arrays the session never frees are replaced by new ones in every run; here an array is needed by several
		// ops and arrays of several shapes come and go, forward and backward.
		NativeRuntime.prepare();
		for (boolean oneDnn : new boolean[] { false, true })
			for (boolean gradientsDuringRun : new boolean[] { false, true }) {
				Nd4j.getRandom().setSeed(6);
				SameDiff sd = SameDiff.create();
				SDVariable x = sd.placeHolder("x", DataType.FLOAT, 1, 2, 6, 6);
				SDVariable h = sd.nn().relu(sd.cnn().conv2d(x, sd.var("w1", Nd4j.rand(DataType.FLOAT, 3, 3, 2, 4).subi(0.5)), CONV), 0);
				SDVariable y = sd.cnn().conv2d(h.mul(h).add(h), sd.var("w2", Nd4j.rand(DataType.FLOAT, 3, 3, 4, 3).subi(0.5)), CONV);
				y.mul(h.sum(1).reshape(1, 1, 6, 6)).sum().rename("loss");
				TrainingGraph graph = new TrainingGraph(sd, "loss", List.of("w1", "w2"), oneDnn, gradientsDuringRun);
				Set<INDArray> handedOut = Collections.newSetFromMap(new IdentityHashMap<>());
				Map<String, INDArray> feeds = Map.of("x", Nd4j.rand(DataType.FLOAT, 1, 2, 6, 6));
				for (int run = 0; run < 5; run++) {
					if (run == 1) {
						InferenceSession session = sd.getFunction("grad").getSessions().get(Thread.currentThread().getId());
						session.setMmgr(new OutputArrayPool(new Recording(session.getMmgr(), handedOut)));
					}
					int before = handedOut.size();
					graph.release(gradientsDuringRun ? graph.run(feeds, List.of("loss"), (p, g) -> {}) : graph.run(feeds, List.of("loss")), feeds);
					if (run >= 3)
						assertEquals(before, handedOut.size(), "oneDNN " + oneDnn + ", gradients during the run " + gradientsDuringRun + ", run "
								+ run + ": new arrays");
				}
				graph.releaseMemory();
			}
	}

	/**
	 * A generator-like weight used twice, and a discriminator-like weight trained on a detached output and read
	 * by a judge of the first network, through stop-gradient or (as {@code SameDiffLayers.frozen()} does) through a
	 * constant sharing its array: the weights changed as each gradient arrives equal the weights changed after the
	 * run, over two steps.
	 */
	private static SameDiff sharedAndJudged(INDArray w1, INDArray w3, boolean judgeReadsConstant) {
		SameDiff sd = SameDiff.create();
		SDVariable x = sd.placeHolder("x", DataType.FLOAT, 1, 2, 5, 5);
		SDVariable g1 = sd.var("g1", w1.dup()), d = sd.var("d", w3.dup());
		SDVariable fake = sd.cnn().conv2d(sd.nn().relu(sd.cnn().conv2d(x, g1, CONV), 0), g1, CONV);
		SDVariable frozenD = judgeReadsConstant ? sd.constant("d-frozen", sd.getArrForVarName("d")) : new StopGradient(sd, d).outputVariable();
		SDVariable judged = sd.cnn().conv2d(fake, frozenD, CONV).mul(2).sum();
		SDVariable dOut = sd.cnn().conv2d(new StopGradient(sd, fake).outputVariable(), d, CONV).sub(1);
		SDVariable trained = dOut.mul(dOut).mul(3).sum();
		judged.add(trained).add(fake.mul(fake).sum()).rename("loss");
		return sd;
	}

	@Test
	void gradientsHandedOverDuringTheRunChangeWeightsAsGradientsAfterTheRun() {
		NativeRuntime.prepare();
		Nd4j.getRandom().setSeed(7);
		INDArray w1 = Nd4j.rand(DataType.FLOAT, 3, 3, 2, 2).subi(0.5), w3 = Nd4j.rand(DataType.FLOAT, 3, 3, 2, 2).subi(0.5);
		INDArray x = Nd4j.rand(DataType.FLOAT, 1, 2, 5, 5);
		for (boolean judgeReadsConstant : new boolean[] { false, true })
		for (boolean oneDnn : new boolean[] { false, true }) {
			SameDiff during = sharedAndJudged(w1, w3, judgeReadsConstant), after = sharedAndJudged(w1, w3, judgeReadsConstant);
			TrainingGraph early = new TrainingGraph(during, "loss", List.of("g1", "d"), oneDnn, true);
			TrainingGraph late = new TrainingGraph(after, "loss", List.of("g1", "d"), oneDnn, false);
			// the op completing d's gradient waits for every other reader of d, the judge's stop-gradient or
			// convolution among them
			SameDiff gradFn = during.getFunction("grad");
			String completing = gradFn.getVariables().get(during.getVariable("d").getGradient().name()).getOutputOfOp();
			List<String> waits = gradFn.getOps().get(completing).getControlDeps();
			List<String> readers = new java.util.ArrayList<>(gradFn.getVariables().get("d").getInputsForOp());
			if (judgeReadsConstant) {
				assertTrue(gradFn.getVariables().get("d-frozen").getInputsForOp().size() >= 2, "the judge's convolution and its gradient read d");
				readers.addAll(gradFn.getVariables().get("d-frozen").getInputsForOp());
			}
			for (String reader : readers)
				if (!reader.equals(completing))
					assertTrue(waits != null && waits.contains(gradFn.getOps().get(reader).getOutputsOfOp().get(0)), reader);
			Map<String, INDArray> feeds = Map.of("x", x);
			for (int step = 0; step < 2; step++) {
				List<String> handed = new java.util.ArrayList<>();
				OutAndGrad r = early.run(feeds, List.of("loss"), (p, g) -> {
					handed.add(p);
					during.getArrForVarName(p).subi(g.mul(0.05));
				});
				assertEquals(Set.of(), r.getGradients().keySet(), "no gradient left for after the run");
				double earlyLoss = r.getOutputs().get("loss").getDouble(0);
				early.release(r, feeds);
				List<String> lateHanded = new java.util.ArrayList<>();
				OutAndGrad s = late.run(feeds, List.of("loss"), (p, g) -> lateHanded.add(p));
				assertEquals(s.getOutputs().get("loss").getDouble(0), earlyLoss, 1e-4 * Math.abs(earlyLoss), "loss, step " + step);
				assertEquals(Set.of("g1", "d"), s.getGradients().keySet(), "without gradients during the run, all come with the result");
				s.getGradients().forEach((p, g) -> after.getArrForVarName(p).subi(g.mul(0.05)));
				late.release(s, feeds);
				assertEquals(List.of("d", "g1"), handed.stream().sorted().collect(java.util.stream.Collectors.toList()), "each gradient once");
				assertEquals(List.of("d", "g1"), lateHanded.stream().sorted().collect(java.util.stream.Collectors.toList()));
				for (String p : List.of("g1", "d"))
					assertEquals(0, during.getArrForVarName(p).sub(after.getArrForVarName(p)).amaxNumber().doubleValue(), 1e-5,
							"oneDNN " + oneDnn + ", judge reads constant " + judgeReadsConstant + ", " + p + " after step " + step);
			}
		}
	}

	/** A session memory manager that records every array it hands out. */
	private static final class Recording implements SessionMemMgr {
		private final SessionMemMgr inner;
		private final Set<INDArray> handedOut;

		Recording(SessionMemMgr inner, Set<INDArray> handedOut) {
			this.inner = inner;
			this.handedOut = handedOut;
		}

		@Override
		public INDArray allocate(boolean detached, DataType dataType, long... shape) {
			INDArray a = inner.allocate(detached, dataType, shape);
			handedOut.add(a);
			return a;
		}

		@Override
		public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
			INDArray a = inner.allocate(detached, descriptor);
			handedOut.add(a);
			return a;
		}

		@Override
		public INDArray ulike(INDArray arr) { return inner.ulike(arr); }

		@Override
		public INDArray dup(INDArray arr) { return inner.dup(arr); }

		@Override
		public void release(INDArray array) { inner.release(array); }

		@Override
		public void close() { inner.close(); }
	}
}
