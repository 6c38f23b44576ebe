package io.github.imagetranslation.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.github.imagetranslation.engine.random.SplitMix64;

/**
 * The generators run layer by layer on arrays compute what the SameDiff graph that trains them computes, on the
 * same weights, for every architecture and normalisation; statistics fed from outside are used as given.
 */
class EagerGeneratorTest {

	private static final String PREFIX = "G.";

	/** Weights of {@code spec} made by building it as a graph, returned with that graph's output for each input. */
	private static Map<String, INDArray> graphOutputs(GeneratorSpec spec, long seed, INDArray[] inputs, INDArray[] outputs) {
		ParameterStore store = new ParameterStore(new SplitMix64(seed));
		SameDiff sd = SameDiff.create();
		SDVariable in = sd.placeHolder("in", DataType.FLOAT, -1, spec.inChannels(), -1, -1);
		SDVariable out = spec.build(new SameDiffLayers(sd, store, spec.norm(), false), PREFIX, in, -1, -1);
		// non-zero shifts, so that a missing shift would show
		for (Map.Entry<String, INDArray> e : store.arrays().entrySet())
			if (e.getKey().endsWith(".beta") || e.getKey().endsWith(".b")) e.getValue().addi(Nd4j.rand(DataType.FLOAT, e.getValue().shape()).subi(0.5));
		for (int i = 0; i < inputs.length; i++)
			outputs[i] = sd.output(Collections.singletonMap("in", inputs[i]), out.name()).get(out.name()).dup();
		return store.arrays();
	}

	private static void assertClose(INDArray expected, INDArray actual, String what) {
		assertArrayEquals(expected.shape(), actual.shape(), what);
		double difference = expected.sub(actual).amaxNumber().doubleValue();
		assertTrue(difference < 2e-5, what + ": differs by " + difference);
	}

	/** Inputs of {@code sizes} x {@code sizes + extraWidth} pixels, alternately one and two samples. */
	private static void checkAgainstTheGraph(GeneratorSpec spec, int extraWidth, int... sizes) {
		INDArray[] inputs = new INDArray[sizes.length], expected = new INDArray[sizes.length];
		for (int i = 0; i < sizes.length; i++)
			inputs[i] = Nd4j.rand(DataType.FLOAT, 1 + i % 2, spec.inChannels(), sizes[i], sizes[i] + extraWidth).muli(2).subi(1);
		EagerGenerator generator = new EagerGenerator(spec, graphOutputs(spec, 7, inputs, expected), PREFIX);
		INDArray[] copies = new INDArray[inputs.length];
		for (int i = 0; i < inputs.length; i++)
			copies[i] = inputs[i].dup();
		INDArray[] actual = generator.run(inputs, null);
		for (int i = 0; i < sizes.length; i++) {
			assertClose(expected[i], actual[i], spec + " at " + sizes[i] + " px");
			assertClose(copies[i], inputs[i], "input left unchanged");
		}
	}

	@Test
	void resnetWithInstanceNormEqualsTheGraph() {
		checkAgainstTheGraph(GeneratorSpec.named("resnet_2blocks", 8, NormType.INSTANCE, 0, 3, 2), 0, 32, 44);
		checkAgainstTheGraph(GeneratorSpec.named("resnet_2blocks", 8, NormType.INSTANCE, 0, 3, 2), 12, 20, 36);
	}

	@Test
	void resnetWithDropoutAndBatchNormEqualsTheGraph() {
		checkAgainstTheGraph(GeneratorSpec.named("resnet_1blocks", 4, NormType.BATCH, 0.5, 1, 1), 0, 24);
	}

	@Test
	void unetWithBatchNormEqualsTheGraph() {
		// 1 px at the innermost level for 32 px (oneDNN-free transposed convolutions), 4 px for 128
		checkAgainstTheGraph(GeneratorSpec.named("unet_32", 8, NormType.BATCH, 0.5, 1, 3), 0, 32, 128);
	}

	@Test
	void unetWithInstanceNormAndNoneEqualTheGraph() {
		checkAgainstTheGraph(GeneratorSpec.named("unet_32", 4, NormType.INSTANCE, 0, 2, 1), 32, 64);
		checkAgainstTheGraph(GeneratorSpec.named("unet_32", 4, NormType.NONE, 0, 2, 1), 0, 32);
	}

	@Test
	void fedStatisticsEqualToEachImagesOwnGiveTheSameResult() {
		GeneratorSpec spec = GeneratorSpec.named("resnet_2blocks", 8, NormType.INSTANCE, 0, 1, 1);
		INDArray input = Nd4j.rand(DataType.FLOAT, 1, 1, 40, 40);
		INDArray[] expected = new INDArray[1];
		EagerGenerator generator = new EagerGenerator(spec, graphOutputs(spec, 3, new INDArray[] { input }, expected), PREFIX);
		List<Integer> layersSeen = new ArrayList<>();
		INDArray actual = generator.run(new INDArray[] { input }, (layer, inputs) -> {
			layersSeen.add(layer);
			INDArray x = inputs[0];
			return new float[][] { x.mean(0, 2, 3).toFloatVector(), x.var(false, 0, 2, 3).toFloatVector() };
		})[0];
		assertClose(expected[0], actual, "own statistics fed");
		assertArrayEquals(new int[] { 8, 16, 32, 32, 32, 32, 32, 16, 8 }, generator.normChannels());
		assertArrayEquals(new Integer[] { 0, 1, 2, 3, 4, 5, 6, 7, 8 }, layersSeen.toArray(new Integer[0]));

		INDArray shifted = generator.run(new INDArray[] { input }, (layer, inputs) -> {
			INDArray x = inputs[0];
			float[] mean = x.mean(0, 2, 3).toFloatVector();
			if (layer == 8) for (int c = 0; c < mean.length; c++) mean[c] += 0.5f;
			return new float[][] { mean, x.var(false, 0, 2, 3).toFloatVector() };
		})[0];
		assertTrue(shifted.sub(actual).amaxNumber().doubleValue() > 1e-3, "a different mean changes the result");
	}

	@Test
	void normsStandardiseWithFedStatistics() {
		// two channels of a 1x2x2x2 input; fed statistics: channel 0 mean 1 variance 4, channel 1 mean -2 variance 0
		EagerLayers plan = EagerLayers.planning(NormType.INSTANCE);
		plan.norm("n", plan.input(null), 2);
		EagerLayers layers = EagerLayers.computing(Collections.emptyMap(), NormType.INSTANCE, plan.uses(),
				(layer, inputs) -> new float[][] { { 1, -2 }, { 4, 0 } }, null);
		INDArray x = Nd4j.create(new float[] { 1, 3, 5, -1, -2, -1, 0, -3 }, new long[] { 1, 2, 2, 2 }, 'c');
		INDArray out = layers.norm("n", layers.input(new INDArray[] { x }), 2).parts()[0];
		double s0 = Math.sqrt(4 + SameDiffLayers.NORM_EPSILON), s1 = Math.sqrt(SameDiffLayers.NORM_EPSILON);
		float[] expected = { (float) (0 / s0), (float) (2 / s0), (float) (4 / s0), (float) (-2 / s0),
				0, (float) (1 / s1), (float) (2 / s1), (float) (-1 / s1) };
		assertArrayEquals(expected, out.reshape(8).toFloatVector(), 1e-3f);
		assertArrayEquals(new float[] { 1, 3, 5, -1, -2, -1, 0, -3 }, x.reshape(8).toFloatVector(), "the caller's input is kept");
		assertArrayEquals(new int[] { 2 }, layers.normChannels());
	}

	@Test
	void failingStatisticsStopTheRun() {
		GeneratorSpec spec = GeneratorSpec.named("resnet_1blocks", 4, NormType.INSTANCE, 0, 1, 1);
		INDArray input = Nd4j.rand(DataType.FLOAT, 1, 1, 16, 16);
		EagerGenerator generator = new EagerGenerator(spec, graphOutputs(spec, 3, new INDArray[] { input }, new INDArray[1]), PREFIX);
		assertThrows(IllegalStateException.class, () -> generator.run(new INDArray[] { input }, (layer, inputs) -> {
			throw new IllegalStateException("stop");
		}));
		assertTrue(!input.wasClosed());
	}
}
