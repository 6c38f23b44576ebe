package io.github.imagetranslation.engine.norm;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * Exact percentiles of float samples, interpolated linearly between order statistics like numpy.percentile's
 * default method (position {@code p / 100 * (n - 1)}), with NaN samples left out. Integer-valued samples
 * spanning at most 65536 values (all 8- and 16-bit images) are counted in a histogram; anything else is
 * partially ordered in a copy by quickselect. Either way the input is never modified and the result is exact.
 */
final class Percentiles {

	/** Largest number of distinct integer values counted in a histogram. */
	static final int HISTOGRAM_BINS = 65536;
	/** Below this many samples selection is as cheap as clearing a histogram. */
	static final int HISTOGRAM_MIN_SAMPLES = 65536;

	private Percentiles() {}

	/**
	 * The {@code lowPercent} and {@code highPercent} percentiles (0-100) of {@code data[offset, offset + length)},
	 * or null when that slice holds only NaN.
	 */
	static double[] of(float[] data, int offset, int length, double lowPercent, double highPercent) {
		int count = 0;
		float min = Float.POSITIVE_INFINITY;
		float max = Float.NEGATIVE_INFINITY;
		boolean integral = true;
		for (int i = offset; i < offset + length; i++) {
			float v = data[i];
			if (Float.isNaN(v)) continue;
			count++;
			if (v < min) min = v;
			if (v > max) max = v;
			if (integral && v != Math.rint(v)) integral = false;
		}
		if (count == 0) return null;
		OrderStatistics ranked = integral && count >= HISTOGRAM_MIN_SAMPLES && (double) max - min < HISTOGRAM_BINS
			? new Histogram(data, offset, length, min, max)
			: new SelectedCopy(data, offset, length, count);
		return new double[] { percentile(ranked, count, lowPercent), percentile(ranked, count, highPercent) };
	}

	private static double percentile(OrderStatistics ranked, int count, double percent) {
		double position = percent / 100 * (count - 1);
		int below = (int) Math.floor(position);
		int above = Math.min(below + 1, count - 1);
		double fraction = position - below;
		double a = ranked.get(below);
		double b = ranked.get(above);
		// numpy's _lerp: interpolate from the nearer end so that fraction 1 gives exactly b.
		double difference = b - a;
		return fraction >= 0.5 ? b - difference * (1 - fraction) : a + difference * fraction;
	}

	/** The samples in ascending order, by 0-based rank. */
	private interface OrderStatistics {
		double get(int rank);
	}

	/**
	 * A copy of the samples, partially ordered on demand by quickselect: after rank k is selected, position k
	 * holds the value of rank k with no larger value before it and no smaller one after it. Later ranks are
	 * selected only between the nearest ranks already fixed, so a few ranks cost a few passes over the data.
	 */
	private static final class SelectedCopy implements OrderStatistics {
		/** Ranges this short are sorted outright. */
		private static final int SORT_BELOW = 32;

		private final float[] values;
		private final TreeSet<Integer> fixedRanks = new TreeSet<>();

		SelectedCopy(float[] data, int offset, int length, int count) {
			values = new float[count];
			int n = 0;
			for (int i = offset; i < offset + length; i++)
				if (!Float.isNaN(data[i])) values[n++] = data[i];
		}

		@Override
		public double get(int rank) {
			if (!fixedRanks.contains(rank)) {
				Integer below = fixedRanks.lower(rank);
				Integer above = fixedRanks.higher(rank);
				select(below == null ? 0 : below + 1, above == null ? values.length : above, rank);
				fixedRanks.add(rank);
			}
			return values[rank];
		}

		/** Puts the value of rank {@code k} at {@code k} by three-way partitioning {@code [from, to)}. */
		private void select(int from, int to, int k) {
			// Falling back to sorting after 2 log2(n) rounds bounds the time on inputs that defeat the pivot choice.
			int roundsLeft = 2 * (32 - Integer.numberOfLeadingZeros(to - from));
			while (to - from >= SORT_BELOW && roundsLeft-- > 0) {
				float pivot = medianOfThree(values[from], values[(from + to) >>> 1], values[to - 1]);
				int less = from;
				int i = from;
				int greater = to;
				// Invariant: [from, less) < pivot, [less, i) == pivot, [greater, to) > pivot.
				while (i < greater) {
					float v = values[i];
					if (v < pivot) swap(less++, i++);
					else if (v > pivot) swap(i, --greater);
					else i++;
				}
				if (k < less) to = less;
				else if (k >= greater) from = greater;
				else return;
			}
			Arrays.sort(values, from, to);
		}

		private static float medianOfThree(float a, float b, float c) {
			return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
		}

		private void swap(int i, int j) {
			float v = values[i];
			values[i] = values[j];
			values[j] = v;
		}
	}

	/** Counts of integer values {@code min, min + 1, ..., max}. */
	private static final class Histogram implements OrderStatistics {
		private final float min;
		private final long[] cumulative;

		Histogram(float[] data, int offset, int length, float min, float max) {
			this.min = min;
			cumulative = new long[(int) ((double) max - min) + 1];
			for (int i = offset; i < offset + length; i++) {
				float v = data[i];
				if (!Float.isNaN(v)) cumulative[(int) ((double) v - min)]++;
			}
			for (int bin = 1; bin < cumulative.length; bin++)
				cumulative[bin] += cumulative[bin - 1];
		}

		@Override
		public double get(int rank) {
			// The first bin whose cumulative count exceeds the rank holds that order statistic.
			int lo = 0;
			int hi = cumulative.length - 1;
			while (lo < hi) {
				int mid = (lo + hi) >>> 1;
				if (cumulative[mid] > rank) hi = mid;
				else lo = mid + 1;
			}
			return (double) min + lo;
		}
	}
}
