package io.github.imagetranslation.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import io.github.imagetranslation.engine.nn.ops.ReflectionPad;
import io.github.imagetranslation.engine.random.SplitMix64;

/**
 * The native normalisation and reflection-padding ops ({@code nn.ops}) with gradients of this project's own: each
 * gradient against central finite differences in float64, and forward values and gradients against the
 * straightforward forms composed of generic ops ({@link SameDiffLayers#composed()}) in float32, where the native
 * code takes its fast (oneDNN) paths; up to whole networks.
 */
class NativeLayerOpsTest {

	private static final double STEP = 1e-6;

	private static INDArray gaussian(DataType type, long seed, double scale, double offset, long... shape) {
		SplitMix64 random = new SplitMix64(seed);
		INDArray x = Nd4j.create(DataType.DOUBLE, shape);
		for (long i = 0; i < x.length(); i++)
			x.putScalar(i, offset + scale * random.nextGaussian());
		return x.castTo(type);
	}

	/** A graph of {@code block} on variable x with loss sum(block(x) * w) for fixed random w. */
	private static final class Probe {
		final SameDiff sd = SameDiff.create();
		final SDVariable out;

		Probe(INDArray x, NormType norm, boolean training, boolean composed, long seed,
				BiFunction<SameDiffLayers, SDVariable, SDVariable> block) {
			this(x, norm, training, composed, seed, null, block);
		}

		Probe(INDArray x, NormType norm, boolean training, boolean composed, long seed, ParameterStore store,
				BiFunction<SameDiffLayers, SDVariable, SDVariable> block) {
			ParameterStore params = store != null ? store : new ParameterStore(new SplitMix64(seed));
			if (store == null && x.dataType() == DataType.DOUBLE && norm == NormType.BATCH) {
				// the store makes float32 parameters; the native op needs one type throughout
				long c = x.size(1);
				Map<String, INDArray> p = new LinkedHashMap<>();
				p.put("n.gamma", gaussian(DataType.DOUBLE, seed + 2, 0.3, 1, 1, c, 1, 1));
				p.put("n.beta", gaussian(DataType.DOUBLE, seed + 3, 0.3, 0, 1, c, 1, 1));
				params = ParameterStore.of(p);
			}
			SameDiffLayers layers = new SameDiffLayers(sd, params, norm, training);
			if (composed) layers = layers.composed();
			out = block.apply(layers, sd.var("x", x));
			INDArray weights = gaussian(x.dataType(), seed + 1, 1, 0, out.eval().shape());
			sd.sum(out.mul(sd.constant("w", weights))).rename("loss");
			sd.setLossVariables("loss");
			this.params = params;
		}

		final ParameterStore params;

		double loss() {
			return sd.output(Collections.emptyMap(), "loss").get("loss").getDouble(0);
		}

		/** Gradients of every trainable variable (x and the layers' parameters). */
		Map<String, INDArray> gradients() {
			List<String> names = new ArrayList<>();
			for (SDVariable v : sd.variables())
				if (v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE) names.add(v.name());
			Map<String, INDArray> g = ConsoleSilencer.silently(() -> sd.calculateGradients(Collections.emptyMap(), names));
			Map<String, INDArray> out = new LinkedHashMap<>();
			g.forEach((k, v) -> out.put(k, v.dup()));
			return out;
		}
	}

	/** Worst relative error of the analytic gradient of every variable against central differences (float64). */
	private static double maxGradientError(long[] shape, NormType norm, boolean training,
			BiFunction<SameDiffLayers, SDVariable, SDVariable> block, long seed) {
		return maxGradientError(gaussian(DataType.DOUBLE, seed, 1, 0.3, shape), norm, training, block, seed);
	}

	private static double maxGradientError(INDArray x, NormType norm, boolean training,
			BiFunction<SameDiffLayers, SDVariable, SDVariable> block, long seed) {
		Probe probe = new Probe(x, norm, training, false, seed, block);
		Map<String, INDArray> analytic = probe.gradients();
		double worst = 0;
		for (SDVariable v : probe.sd.variables()) {
			if (v.getVariableType() != org.nd4j.autodiff.samediff.VariableType.VARIABLE) continue;
			INDArray value = v.getArr(), a = analytic.get(v.name());
			for (long i = 0; i < value.length(); i++) {
				double original = value.getDouble(i);
				value.putScalar(i, original + STEP);
				double plus = probe.loss();
				value.putScalar(i, original - STEP);
				double minus = probe.loss();
				value.putScalar(i, original);
				double numeric = (plus - minus) / (2 * STEP), g = a.getDouble(i);
				worst = Math.max(worst, Math.abs(g - numeric) / Math.max(1e-3, Math.abs(g) + Math.abs(numeric)));
			}
		}
		return worst;
	}

	/**
	 * Largest difference between native and composed forms (the output and every gradient), relative to the
	 * largest value of the array, or to a hundredth of the largest gradient of all when that is larger: the gradient
	 * of a bias just before a normalisation is zero but for rounding, which differs between the two forms.
	 */
	private static double nativeVersusComposed(INDArray x, NormType norm, boolean training,
			BiFunction<SameDiffLayers, SDVariable, SDVariable> block) {
		Probe fast = new Probe(x.dup(), norm, training, false, 9, block), plain = new Probe(x.dup(), norm, training, true, 9, block);
		double worst = relativeDifference(fast.out.eval(), plain.out.eval(), 0);
		Map<String, INDArray> a = fast.gradients(), b = plain.gradients();
		assertEquals(b.keySet(), a.keySet());
		double largest = 0;
		for (INDArray g : b.values())
			largest = Math.max(largest, g.castTo(DataType.DOUBLE).amaxNumber().doubleValue());
		for (String k : a.keySet())
			worst = Math.max(worst, relativeDifference(a.get(k), b.get(k), largest / 100));
		return worst;
	}

	private static double relativeDifference(INDArray a, INDArray b, double floor) {
		assertArrayEquals(b.shape(), a.shape());
		double scale = Math.max(Math.max(1e-12, floor), b.castTo(DataType.DOUBLE).amaxNumber().doubleValue());
		return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue() / scale;
	}

	@Test
	void instanceNormGradientMatchesFiniteDifferences() {
		double error = maxGradientError(new long[] { 2, 3, 4, 5 }, NormType.INSTANCE, true, (l, x) -> l.norm("n", x, 3), 2);
		assertTrue(error < 1e-6, "relative gradient error " + error);
	}

	@Test
	void batchNormGradientMatchesFiniteDifferencesForInputScaleAndShift() {
		// training: statistics over the batch and the plane; gamma and beta are variables too
		double error = maxGradientError(new long[] { 2, 3, 4, 3 }, NormType.BATCH, true, (l, x) -> l.norm("n", x, 3), 3);
		assertTrue(error < 1e-6, "relative gradient error " + error);
		// inference: per image
		error = maxGradientError(new long[] { 2, 3, 3, 4 }, NormType.BATCH, false, (l, x) -> l.norm("n", x, 3), 4);
		assertTrue(error < 1e-6, "relative gradient error " + error);
	}

	@Test
	void reflectionPaddingGradientMatchesFiniteDifferencesWithAndWithoutTheSize() {
		// 4 rows padded by 2 (mirrored rows overlap), 5 columns; and a larger plane padded by 3
		for (boolean sized : new boolean[] { true, false }) {
			double error = maxGradientError(new long[] { 1, 2, 4, 5 }, NormType.NONE, true,
					(l, x) -> l.reflectionPad(x, 2, sized ? 4 : -1, sized ? 5 : -1), 5);
			assertTrue(error < 1e-6, "relative gradient error " + error + (sized ? " (size given)" : ""));
			error = maxGradientError(new long[] { 1, 1, 9, 7 }, NormType.NONE, true,
					(l, x) -> l.reflectionPad(x, 3, sized ? 9 : -1, sized ? 7 : -1), 6);
			assertTrue(error < 1e-6, "relative gradient error " + error + (sized ? " (size given)" : ""));
		}
	}

	@Test
	void nativeNormalisationEqualsTheComposedDefinitionInFloat32() {
		// sizes of the real networks, where oneDNN does the work; a batch of two images for instance norm
		INDArray x = gaussian(DataType.FLOAT, 11, 2, 0.5, 2, 64, 32, 32);
		assertTrue(nativeVersusComposed(x, NormType.INSTANCE, true, (l, v) -> l.norm("n", v, 64)) < 1e-4);
		INDArray y = gaussian(DataType.FLOAT, 12, 0.1, -0.2, 1, 128, 16, 16);
		assertTrue(nativeVersusComposed(y, NormType.BATCH, true, (l, v) -> l.norm("n", v, 128)) < 1e-4);
		assertTrue(nativeVersusComposed(y, NormType.BATCH, false, (l, v) -> l.norm("n", v, 128)) < 1e-4);
	}

	@Test
	void nativeReflectionPaddingEqualsTheComposedDefinition() {
		INDArray x = gaussian(DataType.FLOAT, 13, 1, 0, 2, 8, 10, 12);
		double sized = nativeVersusComposed(x, NormType.NONE, true, (l, v) -> l.reflectionPad(v, 3, 10, 12));
		double unsized = nativeVersusComposed(x, NormType.NONE, true, (l, v) -> l.reflectionPad(v, 1, -1, -1));
		// the same additions in a different order at most
		assertTrue(sized < 1e-6 && unsized < 1e-6, sized + " " + unsized);
	}

	@Test
	void reluGradientMatchesFiniteDifferencesAndSameDiffsOwn() {
		// no value within a step of the kink, where the finite difference is undefined
		INDArray x = gaussian(DataType.DOUBLE, 15, 1, 0, 1, 3, 5, 6);
		x.assign(x.add(Transforms.sign(x).mul(0.01)));
		double error = maxGradientError(x, NormType.NONE, true, (l, v) -> l.relu(v), 15);
		assertTrue(error < 1e-6, "relative gradient error " + error);
		INDArray y = gaussian(DataType.FLOAT, 16, 1, 0, 2, 64, 32, 32);
		assertEquals(0, nativeVersusComposed(y, NormType.NONE, true, (l, v) -> l.relu(v)), 0);
	}

	@Test
	void kernel3UpsamplingThroughTheValidModeEqualsTheSameMode() {
		// the ResNet generator's second up-sampling at 128 px, with and without bias
		INDArray x = gaussian(DataType.FLOAT, 14, 1, 0, 1, 128, 64, 64);
		double withBias = nativeVersusComposed(x, NormType.NONE, true, (l, v) -> l.upsample2x("u", v, 128, 64, 3, true));
		double without = nativeVersusComposed(x, NormType.NONE, true, (l, v) -> l.upsample2x("u", v, 128, 64, 3, false));
		assertTrue(withBias < 1e-5 && without < 1e-5, withBias + " " + without);
		assertArrayEquals(new long[] { 1, 64, 128, 128 },
				new Probe(x, NormType.NONE, true, false, 9, (l, v) -> l.upsample2x("u", v, 128, 64, 3, true)).out.eval().shape());
	}

	@Test
	void constantChannelsNormaliseToZeroWithoutNaN() {
		// a flat patch (e.g. empty background) gives constant channels: zero output (beta for batch norm), and the
		// gradient of the definition, (dy - mean(dy)) / sqrt(eps), finite
		for (NormType norm : new NormType[] { NormType.INSTANCE, NormType.BATCH }) {
			INDArray x = Nd4j.valueArrayOf(new long[] { 1, 16, 8, 8 }, 3.25f);
			Probe probe = new Probe(x, norm, true, false, 1, (l, v) -> l.norm("n", v, 16));
			assertEquals(0, probe.out.eval().amaxNumber().doubleValue(), 0, norm.name());
			INDArray g = probe.gradients().get("x");
			assertTrue(Double.isFinite(g.sumNumber().doubleValue()), norm.name());
			assertTrue(nativeVersusComposed(x, norm, true, (l, v) -> l.norm("n", v, 16)) < 1e-4, norm.name());
		}
	}

	@Test
	void reflectionPaddingMirrorsWithoutRepeatingTheEdge() {
		SameDiff sd = SameDiff.create();
		INDArray x = Nd4j.create(new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, new long[] { 1, 1, 2, 4 }, 'c');
		INDArray padded = ReflectionPad.pad(sd, sd.constant(x), 1, 2L, 4L).eval();
		float[] expected = {
				6, 5, 6, 7, 8, 7,
				2, 1, 2, 3, 4, 3,
				6, 5, 6, 7, 8, 7,
				2, 1, 2, 3, 4, 3 };
		assertArrayEquals(expected, padded.reshape(24).toFloatVector(), 0f);
	}

	/**
	 * Whole networks in float32 with native and with composed layers, each against the composed network in float64
	 * (same weights): the native form must be as close to the exact values as the straightforward one. (Many
	 * layers of float32 rounding, in a different order, put the two float32 forms some 1e-4 apart in places, e.g.
	 * where a PatchGAN normalises planes of 2x2 pixels.)
	 */
	@Test
	void wholeNetworksWithNativeLayersAreAsAccurateAsWithComposedLayers() {
		INDArray x = gaussian(DataType.FLOAT, 21, 0.5, 0, 1, 3, 32, 32);
		GeneratorSpec resnet = GeneratorSpec.named("resnet_2blocks", 8, NormType.INSTANCE, 0, 3, 2);
		assertAsAccurate("resnet", x, NormType.INSTANCE, (l, v) -> resnet.build(l, "G.", v, 1, 32));
		GeneratorSpec unet = GeneratorSpec.named("unet_32", 8, NormType.BATCH, 0, 3, 2);
		assertAsAccurate("unet", x, NormType.BATCH, (l, v) -> unet.build(l, "G.", v, 1, 32));
		DiscriminatorSpec patch = DiscriminatorSpec.named("basic", 3, 8, NormType.INSTANCE, 3);
		assertAsAccurate("patchgan", x, NormType.INSTANCE, (l, v) -> patch.build(l, "D.", v));
	}

	private static void assertAsAccurate(String what, INDArray x, NormType norm, BiFunction<SameDiffLayers, SDVariable, SDVariable> block) {
		Probe fast = new Probe(x.dup(), norm, true, false, 9, block);
		Probe plain = new Probe(x.dup(), norm, true, true, 9, ParameterStore.of(fast.params.arrays()), block);
		Map<String, INDArray> exactWeights = new LinkedHashMap<>();
		fast.params.arrays().forEach((k, v) -> exactWeights.put(k, v.castTo(DataType.DOUBLE)));
		Probe exact = new Probe(x.castTo(DataType.DOUBLE), norm, true, true, 9, ParameterStore.of(exactWeights), block);
		Map<String, INDArray> gf = fast.gradients(), gp = plain.gradients(), ge = exact.gradients();
		double largest = 0;
		for (INDArray g : ge.values())
			largest = Math.max(largest, g.amaxNumber().doubleValue());
		double fastError = relativeDifference(fast.out.eval(), exact.out.eval(), 0);
		double plainError = relativeDifference(plain.out.eval(), exact.out.eval(), 0);
		for (String k : ge.keySet()) {
			fastError = Math.max(fastError, relativeDifference(gf.get(k), ge.get(k), largest / 100));
			plainError = Math.max(plainError, relativeDifference(gp.get(k), ge.get(k), largest / 100));
		}
		assertTrue(fastError < Math.max(1e-5, 2 * plainError), what + ": native " + fastError + ", composed " + plainError);
		assertTrue(fastError < 1e-3, what + ": native " + fastError);
	}
}
