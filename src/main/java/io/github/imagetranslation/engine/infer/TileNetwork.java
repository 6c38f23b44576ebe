package io.github.imagetranslation.engine.infer;

import java.util.Map;
import java.util.function.IntConsumer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import io.github.imagetranslation.engine.nn.EagerGenerator;
import io.github.imagetranslation.engine.nn.GeneratorSpec;

/**
 * The generator run on tiles ({@link EagerGenerator}): a batch of tiles as one array, normalised by each tile's
 * own statistics or by given ones; or several tiles side by side, each normalisation layer measuring its input
 * over the parts the tiles own before it normalises any of them.
 */
final class TileNetwork implements TileRunner {

	private final GeneratorSpec spec;
	private final EagerGenerator generator;

	TileNetwork(GeneratorSpec spec, Map<String, INDArray> weights, String prefix) {
		this.spec = spec;
		generator = new EagerGenerator(spec, weights, prefix);
	}

	@Override
	public int outputChannels() { return spec.outChannels(); }

	@Override
	public int[] normChannels() { return generator.normChannels(); }

	@Override
	public float[] translate(float[] tiles, int count, int height, int width, WholeImageStatistics statistics) {
		INDArray input = Nd4j.create(tiles, new long[] { count, spec.inChannels(), height, width }, 'c');
		try {
			INDArray out = generator.run(new INDArray[] { input },
					statistics == null ? null : (layer, inputs) -> new float[][] { statistics.mean(layer), statistics.variance(layer) })[0];
			float[] values = out.reshape(out.length()).toFloatVector();
			out.close();
			return values;
		} finally {
			input.close();
		}
	}

	@Override
	public Measured measure(float[] tiles, int count, int height, int width, int[][] owned, IntConsumer layerDone) {
		int[] channels = normChannels();
		WholeImageStatistics.Accumulator sums = new WholeImageStatistics.Accumulator(channels);
		int tileLength = spec.inChannels() * height * width;
		INDArray[] parts = new INDArray[count];
		INDArray[] out = null;
		try {
			for (int t = 0; t < count; t++) {
				float[] tile = new float[tileLength];
				System.arraycopy(tiles, t * tileLength, tile, 0, tileLength);
				parts[t] = Nd4j.create(tile, new long[] { 1, spec.inChannels(), height, width }, 'c');
			}
			out = generator.run(parts, (layer, inputs) -> {
				for (int t = 0; t < count; t++)
					addOwned(inputs[t], owned[t], height / inputs[t].size(2), layer, sums);
				layerDone.accept(layer);
				return new float[][] { sums.mean(layer), sums.variance(layer) };
			});
			float[] translated = new float[count * spec.outChannels() * height * width];
			for (int t = 0; t < count; t++) {
				float[] values = out[t].reshape(out[t].length()).toFloatVector();
				System.arraycopy(values, 0, translated, t * values.length, values.length);
			}
			return new Measured(sums.statistics(), translated);
		} finally {
			for (INDArray p : parts)
				if (p != null) p.close();
			if (out != null) for (INDArray o : out)
				o.close();
		}
	}

	/** Adds the mean and variance per channel of {@code x} ({@code [1, C, h, w]}) over {@code owned} at 1/{@code scale}. */
	private static void addOwned(INDArray x, int[] owned, long scale, int layer, WholeImageStatistics.Accumulator into) {
		INDArray region = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(owned[0] / scale, owned[1] / scale),
				NDArrayIndex.interval(owned[2] / scale, owned[3] / scale));
		INDArray mean = region.mean(0, 2, 3), variance = region.var(false, 0, 2, 3);
		long pixels = region.size(2) * region.size(3);
		float[] m = mean.toFloatVector(), v = variance.toFloatVector(), zero = new float[m.length];
		for (int c = 0; c < v.length; c++)
			v[c] *= pixels;
		into.add(layer, pixels, m, zero, v);
		mean.close();
		variance.close();
	}
}
