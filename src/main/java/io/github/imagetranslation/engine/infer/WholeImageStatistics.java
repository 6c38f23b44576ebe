package io.github.imagetranslation.engine.infer;

/**
 * The mean and biased variance per channel of every normalisation layer's input over a whole image, in the
 * order the network uses its layers. Fed to the network, they make every tile normalised as the whole
 * image would be.
 */
final class WholeImageStatistics {

	private final float[][] means;
	private final float[][] variances;

	WholeImageStatistics(float[][] means, float[][] variances) {
		this.means = means;
		this.variances = variances;
	}

	int layers() { return means.length; }

	float[] mean(int layer) { return means[layer]; }

	float[] variance(int layer) { return variances[layer]; }

	/**
	 * Sums of every normalisation layer's input, tile by tile, into whole-image statistics. Each tile reports
	 * per channel the count, its sums of {@code x - shift} and {@code (x - shift)^2} over the part it owns, and
	 * the shift it used (close to the mean, so that float sums lose little); they are combined here in double
	 * precision about one reference per channel, the first shift seen.
	 */
	static final class Accumulator {
		private final long[] counts;
		private final double[][] references;
		private final double[][] sums;
		private final double[][] squareSums;

		Accumulator(int[] channels) {
			int n = channels.length;
			counts = new long[n];
			references = new double[n][];
			sums = new double[n][];
			squareSums = new double[n][];
			for (int i = 0; i < n; i++) {
				sums[i] = new double[channels[i]];
				squareSums[i] = new double[channels[i]];
			}
		}

		/** Adds one tile's sums for {@code layer}: {@code count} values per channel about {@code shift}. */
		void add(int layer, long count, float[] shift, float[] sum, float[] squareSum) {
			if (count == 0) return;
			if (references[layer] == null) {
				references[layer] = new double[shift.length];
				for (int c = 0; c < shift.length; c++)
					references[layer][c] = shift[c];
			}
			double[] ref = references[layer];
			for (int c = 0; c < shift.length; c++) {
				double delta = shift[c] - ref[c];
				sums[layer][c] += sum[c] + count * delta;
				squareSums[layer][c] += squareSum[c] + 2 * delta * sum[c] + count * delta * delta;
			}
			counts[layer] += count;
		}

		/** Every layer's mean and variance (all must have been measured). */
		WholeImageStatistics statistics() {
			float[][] m = new float[counts.length][], v = new float[counts.length][];
			for (int i = 0; i < counts.length; i++) {
				m[i] = mean(i);
				v[i] = variance(i);
			}
			return new WholeImageStatistics(m, v);
		}

		/** Mean per channel of {@code layer}'s input over everything added. */
		float[] mean(int layer) {
			checkMeasured(layer);
			float[] out = new float[sums[layer].length];
			for (int c = 0; c < out.length; c++)
				out[c] = (float) (references[layer][c] + sums[layer][c] / counts[layer]);
			return out;
		}

		/** Biased variance per channel of {@code layer}'s input over everything added. */
		float[] variance(int layer) {
			checkMeasured(layer);
			float[] out = new float[sums[layer].length];
			for (int c = 0; c < out.length; c++) {
				double offset = sums[layer][c] / counts[layer];
				out[c] = (float) Math.max(0, squareSums[layer][c] / counts[layer] - offset * offset);
			}
			return out;
		}

		private void checkMeasured(int layer) {
			if (counts[layer] == 0) throw new IllegalStateException("No values were measured for normalisation layer " + layer);
		}
	}
}
