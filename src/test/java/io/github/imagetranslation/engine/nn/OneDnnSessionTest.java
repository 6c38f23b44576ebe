package io.github.imagetranslation.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/** Convolutions and their gradients through {@link OneDnnSession} against SameDiff's own execution. */
class OneDnnSessionTest {

	@BeforeAll
	static void prepare() {
		NativeRuntime.prepare();
		assumeTrue(OneDnnPrimitives.available(), "oneDNN's library is not bundled for this platform");
	}

	/** Output and gradients of a two-convolution graph (with and without bias) for a weighted-sum loss. */
	private static Map<String, INDArray> run(boolean oneDnn, int in, int k, int stride, int pad, long seed) {
		Nd4j.getRandom().setSeed(seed);
		SameDiff sd = SameDiff.create();
		SDVariable x = sd.var("x", Nd4j.rand(DataType.FLOAT, 1, in, 13, 11).subi(0.5));
		SDVariable w1 = sd.var("w1", Nd4j.rand(DataType.FLOAT, k, k, in, 16).subi(0.5));
		SDVariable b1 = sd.var("b1", Nd4j.rand(DataType.FLOAT, 16).subi(0.5));
		SDVariable w2 = sd.var("w2", Nd4j.rand(DataType.FLOAT, 3, 3, 16, 5).subi(0.5));
		Conv2DConfig first = Conv2DConfig.builder().kH(k).kW(k).sH(stride).sW(stride).pH(pad).pW(pad).dataFormat("NCHW").build();
		Conv2DConfig second = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).pH(1).pW(1).dataFormat("NCHW").build();
		SDVariable y1 = sd.cnn().conv2d("y1", x, w1, b1, first);
		SDVariable y2 = sd.cnn().conv2d("y2", sd.nn().relu(y1, 0), w2, second);
		SDVariable weights = sd.constant("lossWeights", Nd4j.rand(DataType.FLOAT, y2.eval().shape()));
		SDVariable loss = y2.mul(weights).sum();
		sd.setLossVariables(loss);
		sd.createGradFunction();
		SameDiff grad = sd.getFunction("grad");
		if (oneDnn) OneDnnSession.install(grad);
		String[] names = { "y2", x.gradient().name(), w1.gradient().name(), b1.gradient().name(), w2.gradient().name() };
		Map<String, INDArray> out = new HashMap<>();
		grad.output(Collections.emptyMap(), names).forEach((n, a) -> out.put(n, a.dup()));
		assertEquals(oneDnn, grad.getSessions().get(Thread.currentThread().getId()) instanceof OneDnnSession);
		return out;
	}

	@Test
	void convolutionsAndTheirGradientsEqualSameDiffs() {
		// in, kernel, stride, padding: 1 channel (the layouts oneDNN confuses), 7x7, strided, kernel 4 (the U-Net's)
		for (int[] c : new int[][] { { 1, 7, 1, 3 }, { 3, 3, 2, 1 }, { 20, 4, 2, 1 }, { 16, 3, 1, 0 } }) {
			Map<String, INDArray> expected = run(false, c[0], c[1], c[2], c[3], 11), actual = run(true, c[0], c[1], c[2], c[3], 11);
			assertEquals(expected.keySet(), actual.keySet());
			for (String name : expected.keySet()) {
				INDArray e = expected.get(name), a = actual.get(name);
				double scale = Math.max(1, e.amaxNumber().doubleValue());
				assertTrue(e.equalShapes(a), name);
				assertEquals(0, e.sub(a).amaxNumber().doubleValue() / scale, 1e-4, java.util.Arrays.toString(c) + " " + name);
			}
		}
	}
}
