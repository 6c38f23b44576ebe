package io.github.imagetranslation.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

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
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

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
			TrainingGraph graph = new TrainingGraph(graph(w, lossWeights), "loss", List.of("w"), oneDnn);
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
	void afterTheFirstRunsEveryArrayARunNeedsIsOneItHadBefore() {
		// Arrays the session never frees are replaced by new ones in every run; here an array is needed by several
		// ops and arrays of several shapes come and go, forward and backward.
		NativeRuntime.prepare();
		Nd4j.getRandom().setSeed(6);
		SameDiff sd = SameDiff.create();
		SDVariable x = sd.placeHolder("x", DataType.FLOAT, 1, 2, 6, 6);
		SDVariable h = sd.nn().relu(sd.cnn().conv2d(x, sd.var("w1", Nd4j.rand(DataType.FLOAT, 3, 3, 2, 4).subi(0.5)), CONV), 0);
		SDVariable y = sd.cnn().conv2d(h.mul(h).add(h), sd.var("w2", Nd4j.rand(DataType.FLOAT, 3, 3, 4, 3).subi(0.5)), CONV);
		y.mul(h.sum(1).reshape(1, 1, 6, 6)).sum().rename("loss");
		for (boolean oneDnn : new boolean[] { false, true }) {
			TrainingGraph graph = new TrainingGraph(sd, "loss", List.of("w1", "w2"), oneDnn);
			Set<INDArray> handedOut = Collections.newSetFromMap(new IdentityHashMap<>());
			Map<String, INDArray> feeds = Map.of("x", Nd4j.rand(DataType.FLOAT, 1, 2, 6, 6));
			for (int run = 0; run < 5; run++) {
				if (run == 1) {
					InferenceSession session = sd.getFunction("grad").getSessions().get(Thread.currentThread().getId());
					session.setMmgr(new OutputArrayPool(new Recording(session.getMmgr(), handedOut)));
				}
				int before = handedOut.size();
				graph.release(graph.run(feeds, List.of("loss")), feeds);
				if (run >= 3) assertEquals(before, handedOut.size(), "oneDNN " + oneDnn + ", run " + run + ": new arrays");
			}
			graph.releaseMemory();
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
