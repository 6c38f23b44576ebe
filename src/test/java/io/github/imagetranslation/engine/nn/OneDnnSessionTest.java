package io.github.imagetranslation.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.DeConv2DConfig;
import org.nd4j.linalg.factory.Nd4j;

import io.github.imagetranslation.engine.nn.ops.Normalize;
import io.github.imagetranslation.engine.nn.ops.NormalizeBp;
import io.github.imagetranslation.engine.nn.ops.NormalizeBpFromOutput;
import io.github.imagetranslation.engine.nn.ops.ReflectionPad;
import io.github.imagetranslation.engine.nn.ops.ReflectionPadBp;
import io.github.imagetranslation.engine.nn.ops.Relu;
import io.github.imagetranslation.engine.random.SplitMix64;

/** Convolutions and their gradients through {@link OneDnnSession} against SameDiff's own execution. */
class OneDnnSessionTest {

	/** The same names with arrays of the same shapes and values, within {@code tolerance} relative to each array's largest magnitude (at least 1). */
	private static void assertSameResults(Map<String, INDArray> expected, Map<String, INDArray> actual, double tolerance, String what) {
		assertEquals(expected.keySet(), actual.keySet(), what);
		for (String name : expected.keySet()) {
			INDArray e = expected.get(name), a = actual.get(name);
			assertTrue(e.equalShapes(a), what + " " + name);
			double scale = Math.max(1, e.amaxNumber().doubleValue());
			assertEquals(0, e.sub(a).amaxNumber().doubleValue() / scale, tolerance, what + " " + name);
		}
	}

	@BeforeAll
	static void prepare() {
		NativeRuntime.prepare();
		assumeTrue(OneDnnPrimitives.available(), "oneDNN's library is not bundled for this platform");
	}

	/** Output and gradients of a two-convolution graph (with and without bias) for a weighted-sum loss. */
	private static Map<String, INDArray> run(boolean oneDnn, int in, int k, int stride, int pad, long seed) {
		return run(oneDnn, in, k, stride, pad, seed, null);
	}

	/**
	 * The same, with a normalisation after the first convolution: per channel ({0, 1}: instance; {1}: batch of one
	 * sample), scaled and shifted when {@code affine}.
	 */
	private static Map<String, INDArray> run(boolean oneDnn, int in, int k, int stride, int pad, long seed, int[] normAxes,
			boolean affine) {
		return run(oneDnn, in, k, stride, pad, seed, new Object[] { normAxes, affine });
	}

	private static Map<String, INDArray> run(boolean oneDnn, int in, int k, int stride, int pad, long seed, Object[] norm) {
		return run(oneDnn, in, 13, 11, k, stride, pad, seed, norm);
	}

	/** The same on an input plane of {@code h x w} pixels. */
	private static Map<String, INDArray> run(boolean oneDnn, int in, int h, int w, int k, int stride, int pad, long seed, Object[] norm) {
		Nd4j.getRandom().setSeed(seed);
		SameDiff sd = SameDiff.create();
		SDVariable x = sd.var("x", Nd4j.rand(DataType.FLOAT, 1, in, h, w).subi(0.5));
		SDVariable w1 = sd.var("w1", Nd4j.rand(DataType.FLOAT, k, k, in, 16).subi(0.5));
		SDVariable b1 = sd.var("b1", Nd4j.rand(DataType.FLOAT, 16).subi(0.5));
		SDVariable w2 = sd.var("w2", Nd4j.rand(DataType.FLOAT, 3, 3, 16, 5).subi(0.5));
		Conv2DConfig first = Conv2DConfig.builder().kH(k).kW(k).sH(stride).sW(stride).pH(pad).pW(pad).dataFormat("NCHW").build();
		Conv2DConfig second = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).pH(1).pW(1).dataFormat("NCHW").build();
		SDVariable y1 = sd.cnn().conv2d("y1", x, w1, b1, first);
		List<String> extra = new ArrayList<>();
		if (norm != null) {
			int[] axes = (int[]) norm[0];
			boolean affine = (Boolean) norm[1];
			long[] statisticsShape = axes.length == 2 ? new long[] { 1, 16, 1, 1 } : new long[] { 16 };
			SDVariable gamma = affine ? sd.var("gamma", Nd4j.rand(DataType.FLOAT, statisticsShape).addi(0.5)) : null;
			SDVariable beta = affine ? sd.var("beta", Nd4j.rand(DataType.FLOAT, statisticsShape).subi(0.5)) : null;
			y1 = Normalize.normalize(sd, y1, 4, axes, gamma, beta, SameDiffLayers.NORM_EPSILON);
			if (affine) {
				extra.add("gamma");
				extra.add("beta");
			}
		}
		SDVariable y2 = sd.cnn().conv2d("y2", sd.nn().relu(y1, 0), w2, second);
		SDVariable weights = sd.constant("lossWeights", Nd4j.rand(DataType.FLOAT, y2.eval().shape()));
		SDVariable loss = y2.mul(weights).sum();
		sd.setLossVariables(loss);
		sd.createGradFunction();
		SameDiff grad = sd.getFunction("grad");
		if (oneDnn) OneDnnSession.install(grad);
		List<String> names = new ArrayList<>(List.of("y2", x.gradient().name(), w1.gradient().name(), b1.gradient().name(), w2.gradient().name()));
		for (String e : extra)
			names.add(sd.getVariable(e).gradient().name());
		Map<String, INDArray> out = new HashMap<>();
		grad.output(Collections.emptyMap(), names.toArray(new String[0])).forEach((n, a) -> out.put(n, a.dup()));
		assertEquals(oneDnn, grad.getSessions().get(Thread.currentThread().getId()) instanceof OneDnnSession);
		if (oneDnn) {
			OneDnnSession session = (OneDnnSession) grad.getSessions().get(Thread.currentThread().getId());
			assertEquals(2, session.handled("conv2d"), "both convolutions through oneDNN");
			assertEquals(2, session.handled("conv2d_bp"), "both convolution gradients through oneDNN");
			assertEquals(norm == null ? 0 : 1, session.handled(Normalize.NAME), "the normalisation through oneDNN");
			assertEquals(norm == null ? 0 : 1, session.handled(NormalizeBp.NAME), "its gradient through oneDNN");
		}
		return out;
	}

	@Test
	void normalisationAndItsGradientsEqualSameDiffs() {
		// the combinations the generators build (batch normalisation is always affine; libnd4j's own gradient of
		// an unscaled per-channel one crashes the JVM)
		for (Object[] c : new Object[][] { { new int[] { 0, 1 }, false }, { new int[] { 0, 1 }, true }, { new int[] { 1 }, true } }) {
				int[] axes = (int[]) c[0];
				boolean affine = (Boolean) c[1];
				Map<String, INDArray> expected = run(false, 3, 3, 1, 1, 5, axes, affine), actual = run(true, 3, 3, 1, 1, 5, axes, affine);
				assertSameResults(expected, actual, 1e-4, java.util.Arrays.toString(axes) + (affine ? " affine" : ""));
			}
	}

	@Test
	void convolutionsAndTheirGradientsEqualSameDiffs() {
		// in, kernel, stride, padding on 13x11 px: 1 channel (the layouts oneDNN confuses), 7x7, strided, kernel 4 (the
		// U-Net's); the strided ones' results and the second convolution after them are weight-bound (7x6 and 6x5 px)
		for (int[] c : new int[][] { { 1, 7, 1, 3 }, { 3, 3, 2, 1 }, { 20, 4, 2, 1 }, { 16, 3, 1, 0 } }) {
			Map<String, INDArray> expected = run(false, c[0], c[1], c[2], c[3], 11), actual = run(true, c[0], c[1], c[2], c[3], 11);
			assertSameResults(expected, actual, 1e-4, java.util.Arrays.toString(c));
		}
	}

	@Test
	void convolutionsOfSmallPlanesAndTheirGradientsEqualSameDiffs() {
		// in, h, w, kernel, stride, padding: the U-Net's inner layers (kernel 4, stride 2) down to one pixel, and a
		// stride-1 convolution on a plane of 8x8 px, all weight-bound
		for (int[] c : new int[][] { { 32, 8, 8, 4, 2, 1 }, { 32, 2, 2, 4, 2, 1 }, { 16, 8, 8, 3, 1, 1 } }) {
			Map<String, INDArray> expected = run(false, c[0], c[1], c[2], c[3], c[4], c[5], 13, null),
					actual = run(true, c[0], c[1], c[2], c[3], c[4], c[5], 13, null);
			assertSameResults(expected, actual, 1e-4, java.util.Arrays.toString(c));
		}
	}

	@Test
	void runsAskingForDifferentOutputsEachGetWhatTheyAskFor() {
		Nd4j.getRandom().setSeed(29);
		SameDiff sd = SameDiff.create();
		SDVariable x = sd.var("x", Nd4j.rand(DataType.FLOAT, 1, 3, 9, 8).subi(0.5));
		SDVariable w = sd.var("w", Nd4j.rand(DataType.FLOAT, 3, 3, 3, 16).subi(0.5));
		Conv2DConfig conv = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).pH(1).pW(1).dataFormat("NCHW").build();
		SDVariable y = sd.cnn().conv2d("y", x, w, conv);
		y.mul(y).sum().rename("loss");
		sd.setLossVariables("loss");
		sd.createGradFunction();
		SameDiff grad = sd.getFunction("grad");
		String[] all = { "y", w.gradient().name(), x.gradient().name() };
		Map<String, INDArray> expected = new HashMap<>();
		grad.output(Collections.emptyMap(), all).forEach((n, a) -> expected.put(n, a.dup()));
		OneDnnSession.install(grad);
		// the forward pass alone, then everything, then the forward pass and one gradient, then everything again
		for (String[] asked : new String[][] { { "y" }, all, { "y", w.gradient().name() }, all }) {
			Map<String, INDArray> got = new HashMap<>();
			grad.output(Collections.emptyMap(), asked).forEach((n, a) -> got.put(n, a.dup()));
			Map<String, INDArray> wanted = new HashMap<>();
			for (String n : asked)
				wanted.put(n, expected.get(n));
			assertSameResults(wanted, got, 1e-4, java.util.Arrays.toString(asked));
		}
		assertEquals(3, ((OneDnnSession) grad.getSessions().get(Thread.currentThread().getId())).handled("conv2d_bp"),
				"the three runs asking for gradients ran the gradient");
	}

	@Test
	void layersWhoseSmallerPlaneHasAtMost64PixelsAreWeightBound() {
		assertTrue(OneDnnPrimitives.weightBound(new long[] { 1, 512, 2, 2 }, new long[] { 1, 512, 1, 1 }));
		assertTrue(OneDnnPrimitives.weightBound(new long[] { 1, 256, 16, 16 }, new long[] { 1, 512, 8, 8 }));
		assertTrue(OneDnnPrimitives.weightBound(new long[] { 1, 1024, 8, 8 }, new long[] { 1, 256, 16, 16 }));
		assertFalse(OneDnnPrimitives.weightBound(new long[] { 1, 128, 32, 32 }, new long[] { 1, 256, 16, 16 }));
		assertFalse(OneDnnPrimitives.weightBound(new long[] { 1, 256, 9, 8 }, new long[] { 1, 256, 9, 8 }));
	}

	/** Output and input gradient of reflection padding by {@code pad} and a convolution, for a weighted-sum loss. */
	private static Map<String, INDArray> runPadded(boolean oneDnn, int pad) {
		Nd4j.getRandom().setSeed(3);
		SameDiff sd = SameDiff.create();
		SDVariable x = sd.var("x", Nd4j.rand(DataType.FLOAT, 1, 4, 9, 8).subi(0.5));
		SDVariable w = sd.var("w", Nd4j.rand(DataType.FLOAT, 3, 3, 4, 16).subi(0.5));
		SDVariable padded = ReflectionPad.pad(sd, x.mul(2), pad, 9, 8);
		Conv2DConfig valid = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).pH(0).pW(0).dataFormat("NCHW").build();
		SDVariable y = sd.cnn().conv2d("y", padded, w, valid);
		SDVariable loss = y.mul(sd.constant(Nd4j.rand(DataType.FLOAT, 1, 16, 9 + 2 * pad - 2, 8 + 2 * pad - 2))).sum();
		sd.setLossVariables(loss);
		if (oneDnn) OneDnnSession.createGradFunction(sd);
		else sd.createGradFunction();
		SameDiff grad = sd.getFunction("grad");
		if (oneDnn) OneDnnSession.install(grad);
		List<String> order = new ArrayList<>();
		grad.addListeners(new BaseListener() {
			@Override
			public boolean isActive(Operation operation) { return true; }

			@Override
			public void opExecution(SameDiff s, At at, MultiDataSet batch, SameDiffOp op, OpContext context, INDArray[] outputs) {
				order.add(op.getName());
			}
		});
		Map<String, INDArray> out = new HashMap<>();
		grad.output(Collections.emptyMap(), "y", x.gradient().name(), w.gradient().name()).forEach((n, a) -> out.put(n, a.dup()));
		if (oneDnn) {
			OneDnnSession session = (OneDnnSession) grad.getSessions().get(Thread.currentThread().getId());
			assertEquals(4, session.handled(ReflectionPad.NAME), "both axes padded through oneDNN, forward and again for the gradient");
			assertEquals(2, session.handled(ReflectionPadBp.NAME), "both axes' gradients as one op each");
			SameDiffOp convGradient = grad.getOps().values().stream().filter(o -> "conv2d_bp".equals(o.getOp().opName())).findFirst().get();
			List<String> convInputs = convGradient.getInputsToOp();
			String gradientArrives = grad.getVariables().get(convInputs.get(convInputs.size() - 1)).getOutputOfOp();
			String paddedAgain = grad.getVariables().get(convInputs.get(0)).getOutputOfOp();
			String rowsAgain = grad.getVariables().get(grad.getOps().get(paddedAgain).getInputsToOp().get(0)).getOutputOfOp();
			assertTrue(order.indexOf(rowsAgain) > order.indexOf(gradientArrives) && order.indexOf(gradientArrives) >= 0,
					"the padding is made again once the convolution's gradient arrives: " + order);
			assertTrue(order.indexOf(paddedAgain) < order.indexOf(convGradient.getName()));
		}
		return out;
	}

	@Test
	void reflectionPaddingAndItsOneOpGradientEqualSameDiffsSlices() {
		for (int pad : new int[] { 1, 3 }) {
			Map<String, INDArray> expected = runPadded(false, pad), actual = runPadded(true, pad);
			assertSameResults(expected, actual, 1e-5, "pad " + pad);
		}
	}

	@Test
	void aGraphWithOneOpPaddingGradientsFailsClearlyWithoutTheSession() {
		SameDiff sd = SameDiff.create();
		SDVariable x = sd.var("x", Nd4j.rand(DataType.FLOAT, 1, 2, 5, 5));
		sd.setLossVariables(ReflectionPad.pad(sd, x, 1, 5, 5).sum());
		OneDnnSession.createGradFunction(sd);
		IllegalStateException e = assertThrows(IllegalStateException.class,
				() -> sd.getFunction("grad").output(Collections.emptyMap(), x.gradient().name()));
		assertTrue(e.getMessage().contains("OneDnnSession"), e.getMessage());
	}

	/** Output and gradients of a transposed convolution (stride 2) and a convolution, for a weighted-sum loss. */
	private static Map<String, INDArray> runTransposed(boolean oneDnn, int in, int h, int w, int k, int pad, boolean bias) {
		Nd4j.getRandom().setSeed(17);
		SameDiff sd = SameDiff.create();
		SDVariable x = sd.var("x", Nd4j.rand(DataType.FLOAT, 1, in, h, w).subi(0.5));
		SDVariable w1 = sd.var("w1", Nd4j.rand(DataType.FLOAT, k, k, 16, in).subi(0.5)); // [kH, kW, out, in]
		SDVariable b1 = sd.var("b1", Nd4j.rand(DataType.FLOAT, 16).subi(0.5));
		SDVariable w2 = sd.var("w2", Nd4j.rand(DataType.FLOAT, 3, 3, 16, 5).subi(0.5));
		DeConv2DConfig up = DeConv2DConfig.builder().kH(k).kW(k).sH(2).sW(2).pH(pad).pW(pad).dataFormat(DeConv2DConfig.NCHW).build();
		Conv2DConfig conv = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).pH(1).pW(1).dataFormat("NCHW").build();
		SDVariable y1 = bias ? sd.cnn().deconv2d(x, w1, b1, up) : sd.cnn().deconv2d(x, w1, up);
		SDVariable y2 = sd.cnn().conv2d("y2", sd.nn().relu(y1, 0), w2, conv);
		SDVariable loss = y2.mul(sd.constant(Nd4j.rand(DataType.FLOAT, y2.eval().shape()))).sum();
		sd.setLossVariables(loss);
		sd.createGradFunction();
		SameDiff grad = sd.getFunction("grad");
		if (oneDnn) OneDnnSession.install(grad);
		List<String> names = new ArrayList<>(List.of("y2", x.gradient().name(), w1.gradient().name(), w2.gradient().name()));
		if (bias) names.add(b1.gradient().name());
		Map<String, INDArray> out = new HashMap<>();
		grad.output(Collections.emptyMap(), names.toArray(new String[0])).forEach((n, a) -> out.put(n, a.dup()));
		if (oneDnn) {
			OneDnnSession session = (OneDnnSession) grad.getSessions().get(Thread.currentThread().getId());
			assertEquals(1, session.handled("deconv2d"), "the transposed convolution through oneDNN");
			assertEquals(1, session.handled("deconv2d_bp"), "its gradient through oneDNN");
		}
		return out;
	}

	@Test
	void transposedConvolutionsAndTheirGradientsEqualSameDiffs() {
		// in, h, w, kernel, padding, bias: the ResNet generator's (kernel 3, full result) and the U-Net's (kernel 4,
		// padding 1); from 9x8 px through oneDNN's transposed convolution, from smaller planes (weight-bound) by a
		// matrix product, down to the U-Net's innermost 1x1 px
		for (int[] c : new int[][] { { 32, 9, 8, 3, 0, 1 }, { 3, 9, 8, 4, 1, 0 }, { 1, 9, 8, 3, 0, 0 }, { 24, 4, 4, 4, 1, 1 }, { 16, 1, 1, 4, 1, 0 },
				{ 20, 2, 3, 3, 0, 1 } }) {
			Map<String, INDArray> expected = runTransposed(false, c[0], c[1], c[2], c[3], c[4], c[5] == 1),
					actual = runTransposed(true, c[0], c[1], c[2], c[3], c[4], c[5] == 1);
			assertSameResults(expected, actual, 1e-4, java.util.Arrays.toString(c));
		}
	}

	/**
	 * Output and gradients of an activation between two convolutions; with oneDNN, checks that the ops named
	 * {@code throughOneDnn} ran through it once each.
	 */
	private static Map<String, INDArray> runActivation(boolean oneDnn, UnaryOperator<SDVariable> activation, String... throughOneDnn) {
		Nd4j.getRandom().setSeed(23);
		SameDiff sd = SameDiff.create();
		SDVariable x = sd.var("x", Nd4j.rand(DataType.FLOAT, 1, 3, 9, 8).subi(0.5));
		SDVariable w1 = sd.var("w1", Nd4j.rand(DataType.FLOAT, 3, 3, 3, 16).subi(0.5));
		SDVariable w2 = sd.var("w2", Nd4j.rand(DataType.FLOAT, 3, 3, 16, 5).subi(0.5));
		Conv2DConfig conv = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).pH(1).pW(1).dataFormat("NCHW").build();
		SDVariable y2 = sd.cnn().conv2d("y2", activation.apply(sd.cnn().conv2d(x, w1, conv)), w2, conv);
		y2.mul(sd.constant(Nd4j.rand(DataType.FLOAT, 1, 5, 9, 8))).sum().rename("loss");
		sd.setLossVariables("loss");
		sd.createGradFunction();
		SameDiff grad = sd.getFunction("grad");
		if (oneDnn) OneDnnSession.install(grad);
		Map<String, INDArray> out = new HashMap<>();
		grad.output(Collections.emptyMap(), "y2", x.gradient().name(), w1.gradient().name(), w2.gradient().name()).forEach((n, a) -> out.put(n, a.dup()));
		if (oneDnn) {
			OneDnnSession session = (OneDnnSession) grad.getSessions().get(Thread.currentThread().getId());
			for (String op : throughOneDnn)
				assertEquals(1, session.handled(op), op + " through oneDNN");
		}
		return out;
	}

	@Test
	void leakyReluAndItsGradientEqualSameDiffs() {
		for (double alpha : new double[] { 0.2, 0.01 }) {
			UnaryOperator<SDVariable> leaky = v -> v.getSameDiff().nn().leakyRelu(v, alpha);
			Map<String, INDArray> expected = runActivation(false, leaky), actual = runActivation(true, leaky, "leakyrelu", "lrelu_bp");
			assertSameResults(expected, actual, 1e-5, "slope " + alpha);
		}
	}

	@Test
	void reluGradientEqualsLibnd4jsAndIsZeroWhereTheOutputIsZero() {
		UnaryOperator<SDVariable> relu = v -> Relu.relu(v.getSameDiff(), v);
		Map<String, INDArray> expected = runActivation(false, relu), actual = runActivation(true, relu, "relu_bp");
		assertSameResults(expected, actual, 1e-5, "ReLU");
		UnaryOperator<SDVariable> ownRelu = v -> v.getSameDiff().nn().relu(v, 0);
		assertSameResults(runActivation(false, ownRelu), actual, 1e-5, "SameDiff's own ReLU");
	}

	/**
	 * Output and gradients of convolution, instance normalisation and ReLU twice, the first followed by reflection
	 * padding and a convolution, the second by a strided convolution that reads the ReLU's output directly.
	 */
	private static Map<String, INDArray> runNormalizedAndRectified(boolean oneDnn) {
		Nd4j.getRandom().setSeed(29);
		SameDiff sd = SameDiff.create();
		SameDiffLayers l = new SameDiffLayers(sd, new ParameterStore(new SplitMix64(5)), NormType.INSTANCE, true);
		SDVariable x = sd.var("x", Nd4j.rand(DataType.FLOAT, 1, 3, 12, 12).subi(0.5));
		SDVariable h = l.relu(l.norm("n1", l.conv2d("c1", x, 3, 8, 3, 1, 1, false), 8));
		SDVariable h2 = l.relu(l.norm("n2", l.conv2d("c2", l.reflectionPad(h, 1, 12, 12), 8, 8, 3, 1, 0, false), 8));
		SDVariable y = l.conv2d("c3", h2, 8, 4, 3, 2, 1, true).rename("y");
		y.mul(sd.constant(Nd4j.rand(DataType.FLOAT, 1, 4, 6, 6))).sum().rename("loss");
		sd.setLossVariables("loss");
		if (oneDnn) OneDnnSession.createGradFunction(sd);
		else sd.createGradFunction();
		SameDiff grad = sd.getFunction("grad");
		if (oneDnn) OneDnnSession.install(grad);
		List<String> names = new ArrayList<>(List.of("y"));
		for (SDVariable v : sd.variables())
			if (v.getVariableType() == VariableType.VARIABLE) names.add(v.gradient().name());
		Map<String, INDArray> out = new HashMap<>();
		grad.output(Collections.emptyMap(), names.toArray(new String[0])).forEach((n, a) -> out.put(n, a.dup()));
		if (oneDnn) {
			OneDnnSession session = (OneDnnSession) grad.getSessions().get(Thread.currentThread().getId());
			assertEquals(2, session.handled(NormalizeBpFromOutput.NAME), "both normalisations' gradients from their outputs");
			assertEquals(0, session.handled(NormalizeBp.NAME), "none from their inputs");
		}
		return out;
	}

	@Test
	void normalisationGradientsFromOutputsAndReLUsMadeAgainEqualSameDiffs() {
		assertSameResults(runNormalizedAndRectified(false), runNormalizedAndRectified(true), 1e-4, "normalised and rectified");
	}
}
