package io.github.imagetranslation.engine.norm;

import io.github.imagetranslation.engine.image.FloatImage;

import java.util.Arrays;
import java.util.List;

/**
 * The intensities that map to -1 ({@code low}) and 1 ({@code high}) when an image is normalised for a network,
 * and back when a network's output is denormalised. It holds one value pair for all channels jointly or one
 * pair per channel, and whether normalised values are clipped to [-1, 1]. A typical target range is saved
 * with a model (as plain JSON through Gson), so that a 16-bit target gives 16-bit output in its own range.
 * <p>
 * A degenerate range, whose span {@code high - low} is zero or below {@value #DEGENERATE_RELATIVE_SPAN} of the
 * larger magnitude of its bounds (for example that of a constant image), is used as if its span were 1: one
 * intensity step of an 8- or 16-bit image. Then a constant image normalises to -1 everywhere, brighter values
 * rise by 2 per intensity unit (and clip at 1), and denormalisation remains the exact inverse, mapping [-1, 1]
 * to {@code [low, low + 1]}. The stored bounds are not changed.
 */
public final class IntensityRange {

	/** Spans at or below this fraction of the bounds' magnitude are too small to divide by. */
	public static final double DEGENERATE_RELATIVE_SPAN = 1e-6;

	private static final IntensityRange IDENTITY = new IntensityRange(new float[] { -1 }, new float[] { 1 }, false);

	private final float[] low;
	private final float[] high;
	private final boolean clip;

	/** The identity range, for Gson to overwrite with the fields it reads. */
	private IntensityRange() {
		this(new float[] { -1 }, new float[] { 1 }, false);
	}

	/**
	 * A range with the given bounds (copied): one value each to apply to all channels jointly, or one per
	 * channel. Bounds must be finite with {@code low <= high}; equal bounds are a degenerate range (see above).
	 */
	public IntensityRange(float[] low, float[] high, boolean clip) {
		if (low.length == 0 || low.length != high.length)
			throw new IllegalArgumentException("Intensity range needs as many low as high values, at least one each; got "
				+ low.length + " and " + high.length);
		for (int i = 0; i < low.length; i++) {
			if (!Float.isFinite(low[i]) || !Float.isFinite(high[i]))
				throw new IllegalArgumentException("Intensity range bounds must be finite, got low " + low[i] + " and high " + high[i]);
			if (low[i] > high[i])
				throw new IllegalArgumentException("Intensity range low " + low[i] + " is above high " + high[i] + "; swap them");
		}
		this.low = low.clone();
		this.high = high.clone();
		this.clip = clip;
	}

	/** One range for all channels. */
	public static IntensityRange of(float low, float high, boolean clip) {
		return new IntensityRange(new float[] { low }, new float[] { high }, clip);
	}

	/** [-1, 1] without clipping: normalising and denormalising return an unchanged copy. */
	public static IntensityRange identity() {
		return IDENTITY;
	}

	/**
	 * A new image with {@code low} mapped to -1 and {@code high} to 1 linearly, clipped to [-1, 1] when this range
	 * clips. NaN samples stay NaN. A per-channel range needs an image with as many channels.
	 */
	public FloatImage normalize(FloatImage image) {
		checkChannels(image);
		if (isIdentity()) return image.copy();
		float[] in = image.data();
		float[] out = new float[in.length];
		int plane = image.planeSize();
		for (int c = 0; c < image.channels(); c++) {
			int i = pairIndex(c);
			double lowBound = low[i];
			double scale = 2 / effectiveSpan(i);
			for (int k = c * plane; k < (c + 1) * plane; k++) {
				double v = (in[k] - lowBound) * scale - 1;
				if (clip) v = Math.max(-1, Math.min(1, v));
				out[k] = (float) v;
			}
		}
		return new FloatImage(image.channels(), image.height(), image.width(), out);
	}

	/**
	 * A new image with -1 mapped to {@code low} and 1 to {@code high} linearly: the exact inverse of
	 * {@link #normalize(FloatImage)}, without clipping. It brings a network's output back to this intensity range.
	 */
	public FloatImage denormalize(FloatImage image) {
		checkChannels(image);
		if (isIdentity()) return image.copy();
		float[] in = image.data();
		float[] out = new float[in.length];
		int plane = image.planeSize();
		for (int c = 0; c < image.channels(); c++) {
			int i = pairIndex(c);
			double lowBound = low[i];
			double halfSpan = effectiveSpan(i) / 2;
			for (int k = c * plane; k < (c + 1) * plane; k++)
				out[k] = (float) (lowBound + (in[k] + 1.0) * halfSpan);
		}
		return new FloatImage(image.channels(), image.height(), image.width(), out);
	}

	/**
	 * The element-wise median of the ranges' lows and of their highs (the mean of the two middle values for an
	 * even count), for example a typical target range over all training targets. All ranges must have the same
	 * number of bounds and the same clip flag.
	 */
	public static IntensityRange median(List<IntensityRange> ranges) {
		if (ranges.isEmpty())
			throw new IllegalArgumentException("The median of intensity ranges needs at least one range, got none");
		IntensityRange first = ranges.get(0);
		int size = first.size();
		for (IntensityRange range : ranges) {
			if (range.size() != size)
				throw new IllegalArgumentException("Cannot take the median of intensity ranges with " + size + " and "
					+ range.size() + " bounds; measure all images jointly or all with the same channels");
			if (range.clip != first.clip)
				throw new IllegalArgumentException("Cannot take the median of clipping and non-clipping intensity ranges; "
					+ "measure them all with the same rule");
		}
		float[] lows = new float[size];
		float[] highs = new float[size];
		double[] column = new double[ranges.size()];
		for (int i = 0; i < size; i++) {
			for (int r = 0; r < ranges.size(); r++) column[r] = ranges.get(r).low[i];
			lows[i] = (float) medianOf(column);
			for (int r = 0; r < ranges.size(); r++) column[r] = ranges.get(r).high[i];
			highs[i] = (float) medianOf(column);
		}
		return new IntensityRange(lows, highs, first.clip);
	}

	private static double medianOf(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int n = sorted.length;
		return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	}

	/** Number of bound pairs: 1 for a joint range, else the number of channels. */
	public int size() { return low.length; }

	/** True when one pair of bounds applies to all channels. */
	public boolean isJoint() { return low.length == 1; }

	/** A copy of the low bounds. */
	public float[] low() { return low.clone(); }

	/** A copy of the high bounds. */
	public float[] high() { return high.clone(); }

	/** The low bound applied to channel {@code channel} (0-based) of an image. */
	public float low(int channel) { return low[checkedPairIndex(channel)]; }

	/** The high bound applied to channel {@code channel} (0-based) of an image. */
	public float high(int channel) { return high[checkedPairIndex(channel)]; }

	/** Whether normalised values are clipped to [-1, 1]. */
	public boolean clips() { return clip; }

	/** True when {@code high - low} is too small to divide by for any bound pair; see the class description. */
	public boolean isDegenerate() {
		for (int i = 0; i < low.length; i++)
			if (isDegenerate(i)) return true;
		return false;
	}

	private boolean isDegenerate(int i) {
		double span = (double) high[i] - low[i];
		double magnitude = Math.max(Math.abs((double) low[i]), Math.abs((double) high[i]));
		return !(span > 0) || span <= DEGENERATE_RELATIVE_SPAN * magnitude;
	}

	/** [-1, 1] without clipping, where the arithmetic would only add rounding (and turn -0 into 0). */
	private boolean isIdentity() {
		if (clip) return false;
		for (int i = 0; i < low.length; i++)
			if (low[i] != -1 || high[i] != 1) return false;
		return true;
	}

	private double effectiveSpan(int i) {
		return isDegenerate(i) ? 1 : (double) high[i] - low[i];
	}

	private int pairIndex(int channel) {
		return low.length == 1 ? 0 : channel;
	}

	private int checkedPairIndex(int channel) {
		if (channel < 0 || (low.length > 1 && channel >= low.length))
			throw new IllegalArgumentException("Channel " + channel + " is outside this range's " + low.length + " channels (0-based)");
		return pairIndex(channel);
	}

	private void checkChannels(FloatImage image) {
		if (low.length != 1 && low.length != image.channels())
			throw new IllegalArgumentException("Intensity range has bounds for " + low.length + " channels but the image has "
				+ image.channels() + "; use a joint range or one measured on an image with the same channels");
	}

	@Override
	public boolean equals(Object o) {
		if (!(o instanceof IntensityRange)) return false;
		IntensityRange other = (IntensityRange) o;
		return clip == other.clip && Arrays.equals(low, other.low) && Arrays.equals(high, other.high);
	}

	@Override
	public int hashCode() {
		return 31 * (31 * Arrays.hashCode(low) + Arrays.hashCode(high)) + Boolean.hashCode(clip);
	}

	@Override
	public String toString() {
		return "IntensityRange[low=" + Arrays.toString(low) + ", high=" + Arrays.toString(high) + ", clip=" + clip + "]";
	}
}
