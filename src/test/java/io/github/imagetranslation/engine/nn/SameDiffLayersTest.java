package io.github.imagetranslation.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.github.imagetranslation.engine.random.SplitMix64;

/**
 * The blocks SameDiff lacks are composed in {@link SameDiffLayers}; a wrong gradient would train silently
 * badly, so each is checked in float64 against central finite differences, and its forward pass against
 * values written out by hand.
 */
class SameDiffLayersTest {

	private static final double STEP = 1e-6;

	/** Analytic gradient of sum(block(x) * weights) against central differences, all in float64. */
	private static double maxGradientError(long[] shape, Function<SameDiffLayers, Function<SDVariable, SDVariable>> block,
			long seed) {
		SplitMix64 random = new SplitMix64(seed);
		INDArray x = Nd4j.create(DataType.DOUBLE, shape);
		for (long i = 0; i < x.length(); i++)
			x.putScalar(i, random.nextGaussian());
		SameDiff sd = SameDiff.create();
		SameDiffLayers layers = new SameDiffLayers(sd, new ParameterStore(random), NormType.INSTANCE, false);
		SDVariable in = sd.var("x", x);
		SDVariable out = block.apply(layers).apply(in);
		long[] outShape = out.eval().shape();
		INDArray weights = Nd4j.create(DataType.DOUBLE, outShape);
		for (long i = 0; i < weights.length(); i++)
			weights.putScalar(i, random.nextGaussian());
		SDVariable loss = sd.sum(out.mul(sd.constant("w", weights))).rename("loss");
		sd.setLossVariables("loss");
		INDArray analytic = ConsoleSilencer.silently(() -> sd.calculateGradients(Collections.emptyMap(), "x")).get("x").dup();
		double worst = 0;
		for (long i = 0; i < x.length(); i++) {
			double original = x.getDouble(i);
			x.putScalar(i, original + STEP);
			double plus = sd.output(Collections.emptyMap(), "loss").get("loss").getDouble(0);
			x.putScalar(i, original - STEP);
			double minus = sd.output(Collections.emptyMap(), "loss").get("loss").getDouble(0);
			x.putScalar(i, original);
			double numeric = (plus - minus) / (2 * STEP);
			double a = analytic.getDouble(i);
			worst = Math.max(worst, Math.abs(a - numeric) / Math.max(1e-3, Math.abs(a) + Math.abs(numeric)));
		}
		return worst;
	}

	@Test
	void reflectionPaddingGradientMatchesFiniteDifferences() {
		double error = maxGradientError(new long[] { 1, 2, 4, 5 }, l -> x -> l.reflectionPad(x, 2), 1);
		assertTrue(error < 1e-6, "relative gradient error " + error);
	}

	@Test
	void instanceNormGradientMatchesFiniteDifferences() {
		double error = maxGradientError(new long[] { 2, 3, 4, 4 }, l -> x -> l.norm("n", x, 3), 2);
		assertTrue(error < 1e-6, "relative gradient error " + error);
	}

	@Test
	void paddedConvolutionBlockGradientMatchesFiniteDifferences() {
		// reflection pad, then instance norm, then ReLU, as in a residual block (the convolution is ND4J's own)
		double error = maxGradientError(new long[] { 1, 2, 5, 4 }, l -> x -> l.relu(l.norm("n", l.reflectionPad(x, 1), 2)), 3);
		assertTrue(error < 1e-5, "relative gradient error " + error);
	}

	@Test
	void reflectionPaddingMirrorsWithoutRepeatingTheEdge() {
		SameDiff sd = SameDiff.create();
		SameDiffLayers layers = new SameDiffLayers(sd, new ParameterStore(new SplitMix64(0)), NormType.NONE, false);
		// one row 1 2 3 4 and a second row 5 6 7 8
		INDArray x = Nd4j.create(new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, new long[] { 1, 1, 2, 4 }, 'c');
		INDArray padded = layers.reflectionPad(sd.constant(x), 1).eval();
		// rows reflect: [row2, row1, row2, row1]; columns reflect: 2 | 1 2 3 4 | 3
		float[] expected = {
				6, 5, 6, 7, 8, 7,
				2, 1, 2, 3, 4, 3,
				6, 5, 6, 7, 8, 7,
				2, 1, 2, 3, 4, 3 };
		assertArrayEquals(new long[] { 1, 1, 4, 6 }, padded.shape());
		assertArrayEquals(expected, padded.reshape(24).toFloatVector(), 0f);
	}

	@Test
	void instanceNormStandardisesEachChannelWithEpsilon() {
		SameDiff sd = SameDiff.create();
		SameDiffLayers layers = new SameDiffLayers(sd, new ParameterStore(new SplitMix64(0)), NormType.INSTANCE, false);
		// channel 0: 1 2 3 4 (mean 2.5, biased variance 1.25); channel 1: constant 7 (variance 0)
		INDArray x = Nd4j.create(new float[] { 1, 2, 3, 4, 7, 7, 7, 7 }, new long[] { 1, 2, 2, 2 }, 'c');
		float[] y = layers.norm("n", sd.constant(x), 2).eval().reshape(8).toFloatVector();
		double s = Math.sqrt(1.25 + 1e-5);
		float[] expected = { (float) (-1.5 / s), (float) (-0.5 / s), (float) (0.5 / s), (float) (1.5 / s), 0, 0, 0, 0 };
		assertArrayEquals(expected, y, 1e-6f);
	}

	@Test
	void dropoutMultipliesByTheFedMaskInForwardAndBackward() {
		SameDiff sd = SameDiff.create();
		SameDiffLayers layers = new SameDiffLayers(sd, new ParameterStore(new SplitMix64(0)), NormType.NONE, true);
		INDArray x = Nd4j.create(new float[] { 1, -2, 3, -4 }, new long[] { 1, 1, 2, 2 }, 'c');
		SDVariable in = sd.var("x", x);
		SDVariable out = layers.dropout("d", in, new long[] { 1, 1, 2, 2 }, 0.5);
		sd.sum(out.mul(sd.constant(Nd4j.create(new float[] { 1, 10, 100, 1000 }, new long[] { 1, 1, 2, 2 }, 'c'))))
				.rename("loss");
		sd.setLossVariables("loss");
		assertEquals(1, layers.dropoutSites().size());
		INDArray mask = Nd4j.create(new float[] { 2, 0, 0, 2 }, new long[] { 1, 1, 2, 2 }, 'c');
		Map<String, INDArray> feed = Collections.singletonMap(layers.dropoutSites().get(0).placeholder, mask);
		assertArrayEquals(new float[] { 2, 0, 0, -8 }, sd.output(feed, out.name()).get(out.name()).reshape(4).toFloatVector(), 0f);
		INDArray grad = ConsoleSilencer.silently(() -> sd.calculateGradients(feed, "x")).get("x");
		// d/dx sum(x * mask * w) = mask * w
		assertArrayEquals(new float[] { 2, 0, 0, 2000 }, grad.reshape(4).toFloatVector(), 0f);
	}

	@Test
	void aFrozenCopyReadsTheParametersOwnArrayAndPassesNoGradientToIt() {
		SameDiff sd = SameDiff.create();
		SameDiffLayers layers = new SameDiffLayers(sd, new ParameterStore(new SplitMix64(0)), NormType.NONE, false);
		SDVariable x = sd.var("x", Nd4j.create(new float[] { 1, 2 }, new long[] { 2 }, 'c'));
		SDVariable w = layers.param("w", new long[] { 2 }, ParameterStore.Init.WEIGHT);
		SDVariable frozen = layers.frozen().param("w", new long[] { 2 }, ParameterStore.Init.WEIGHT);
		INDArray weights = sd.getArrForVarName("w");
		weights.assign(Nd4j.create(new float[] { 3, 5 }, new long[] { 2 }, 'c'));
		assertSame(weights, sd.getArrForVarName(frozen.name()), "no copy of the weights");
		assertSame(frozen, layers.frozen().param("w", new long[] { 2 }, ParameterStore.Init.WEIGHT), "one frozen view per parameter");
		sd.sum(x.mul(w)).add(sd.sum(x.mul(frozen)).mul(10)).rename("loss");
		sd.setLossVariables("loss");
		Map<String, INDArray> g = ConsoleSilencer.silently(() -> sd.calculateGradients(Collections.emptyMap(), "x", "w"));
		// d/dw = x from the trained use only; d/dx = w + 10 w
		assertArrayEquals(new float[] { 1, 2 }, g.get("w").toFloatVector(), 0f);
		assertArrayEquals(new float[] { 33, 55 }, g.get("x").toFloatVector(), 0f);
		// the frozen copy sees the weights as changed in place
		weights.muli(2);
		assertEquals(6 + 20 + 10 * (6 + 20), sd.output(Collections.emptyMap(), "loss").get("loss").getDouble(0), 1e-4);
	}

	@Test
	void dropoutIsIdentityAtInference() {
		SameDiff sd = SameDiff.create();
		SameDiffLayers layers = new SameDiffLayers(sd, new ParameterStore(new SplitMix64(0)), NormType.NONE, false);
		SDVariable in = sd.constant(Nd4j.ones(DataType.FLOAT, 1, 1, 2, 2));
		assertTrue(layers.dropout("d", in, new long[] { 1, 1, 2, 2 }, 0.5) == in);
		assertTrue(layers.dropoutSites().isEmpty());
	}
}
