package io.github.imagetranslation.engine.norm;

import io.github.imagetranslation.engine.image.FloatImage;

import java.util.Locale;
import java.util.Objects;

/**
 * How an image's intensities are brought into the [-1, 1] range that networks work on. The rule is saved with a
 * model so that prediction normalises new images the same way training did. It is serialised as plain JSON by
 * Gson (an enum name, two numbers and a boolean), so it needs no custom type adapters.
 * <ul>
 * <li>{@link Type#PERCENTILE}: the {@code low} and {@code high} percentiles of each image (default 1 and 99.8);</li>
 * <li>{@link Type#FIXED}: the given {@code low} (minimum) and {@code high} (maximum) for every image;</li>
 * <li>{@link Type#NONE}: the data is already in [-1, 1] and is passed through unchanged.</li>
 * </ul>
 * By default one range is measured over all channels jointly, which keeps the colour balance of RGB images;
 * {@code perChannel} measures one range per channel instead, for multi-channel fluorescence. Command-line and
 * macro strings use the form read by {@link #parse(String)} and written by {@link #toString()}.
 */
public final class NormalizationRule {

	/** The kind of rule. */
	public enum Type { PERCENTILE, FIXED, NONE }

	public static final double DEFAULT_LOW_PERCENTILE = 1;
	public static final double DEFAULT_HIGH_PERCENTILE = 99.8;

	private static final String PER_CHANNEL_SUFFIX = "per_channel";
	private static final String SYNTAX = "use percentile, percentile:LOW:HIGH, fixed:MIN:MAX or none, "
		+ "optionally followed by ,per_channel for percentile";

	private final Type type;
	/** The low percentile (PERCENTILE) or the minimum (FIXED); unused for NONE. */
	private final double low;
	/** The high percentile (PERCENTILE) or the maximum (FIXED); unused for NONE. */
	private final double high;
	private final boolean perChannel;

	/** The default rule; Gson also uses this constructor before filling in the fields it reads. */
	private NormalizationRule() {
		this(Type.PERCENTILE, DEFAULT_LOW_PERCENTILE, DEFAULT_HIGH_PERCENTILE, false);
	}

	private NormalizationRule(Type type, double low, double high, boolean perChannel) {
		this.type = type;
		this.low = low;
		this.high = high;
		this.perChannel = perChannel;
	}

	/** Percentiles 1 and 99.8 of each image, over all channels jointly. */
	public static NormalizationRule percentile() {
		return percentile(DEFAULT_LOW_PERCENTILE, DEFAULT_HIGH_PERCENTILE);
	}

	/** The {@code low} and {@code high} percentiles (0-100, low below high) of each image, over all channels jointly. */
	public static NormalizationRule percentile(double low, double high) {
		if (!Double.isFinite(low) || !Double.isFinite(high) || low < 0 || high > 100)
			throw new IllegalArgumentException("Percentiles must lie in [0, 100], got " + number(low) + " and " + number(high));
		if (low >= high)
			throw new IllegalArgumentException("Low percentile " + number(low) + " must be below high percentile " + number(high));
		return new NormalizationRule(Type.PERCENTILE, low + 0.0, high + 0.0, false);
	}

	/** The fixed range {@code [min, max]} for every image, e.g. 0 and 255; min must be below max. */
	public static NormalizationRule fixed(double min, double max) {
		if (!Double.isFinite(min) || !Double.isFinite(max))
			throw new IllegalArgumentException("Fixed range bounds must be finite numbers, got " + number(min) + " and " + number(max));
		if (min >= max)
			throw new IllegalArgumentException("Fixed range minimum " + number(min) + " must be below its maximum " + number(max));
		// Adding 0.0 turns -0.0 into 0.0, so that toString and parse round-trip to an equal rule.
		return new NormalizationRule(Type.FIXED, min + 0.0, max + 0.0, false);
	}

	/** No normalisation: the data is already in [-1, 1]. */
	public static NormalizationRule none() {
		return new NormalizationRule(Type.NONE, -1, 1, false);
	}

	/**
	 * This rule measuring one range per channel ({@code true}) or one over all channels ({@code false}). Only
	 * percentile rules measure anything, so only they can be per channel.
	 */
	public NormalizationRule withPerChannel(boolean perChannel) {
		if (perChannel && type != Type.PERCENTILE)
			throw new IllegalArgumentException("Per-channel normalisation only applies to percentile rules, not " + name(type));
		return new NormalizationRule(type, low, high, perChannel);
	}

	/**
	 * Reads a rule from a command-line or macro string: {@code percentile} (percentiles 1 and 99.8),
	 * {@code percentile:LOW:HIGH}, {@code fixed:MIN:MAX} or {@code none}, optionally followed by
	 * {@code ,per_channel} for percentile rules. Keywords are case-insensitive; spaces around parts are ignored.
	 */
	public static NormalizationRule parse(String text) {
		if (text == null || text.trim().isEmpty())
			throw new IllegalArgumentException("Normalisation rule is empty; " + SYNTAX);
		String[] commaParts = text.split(",", -1);
		if (commaParts.length > 2)
			throw new IllegalArgumentException("Normalisation rule '" + text + "' has more than one comma; " + SYNTAX);
		boolean perChannel = false;
		if (commaParts.length == 2) {
			String suffix = commaParts[1].trim().toLowerCase(Locale.ROOT);
			if (!suffix.equals(PER_CHANNEL_SUFFIX))
				throw new IllegalArgumentException("Normalisation rule '" + text + "' ends in '" + commaParts[1].trim()
					+ "' instead of per_channel; " + SYNTAX);
			perChannel = true;
		}
		String[] parts = commaParts[0].split(":", -1);
		String keyword = parts[0].trim().toLowerCase(Locale.ROOT);
		NormalizationRule rule;
		if (keyword.equals("percentile") && parts.length == 1)
			rule = percentile();
		else if (keyword.equals("percentile") && parts.length == 3)
			rule = percentile(parseNumber(parts[1], text), parseNumber(parts[2], text));
		else if (keyword.equals("fixed") && parts.length == 3)
			rule = fixed(parseNumber(parts[1], text), parseNumber(parts[2], text));
		else if (keyword.equals("none") && parts.length == 1)
			rule = none();
		else
			throw new IllegalArgumentException("Cannot read normalisation rule '" + text + "'; " + SYNTAX);
		return perChannel ? rule.withPerChannel(true) : rule;
	}

	private static double parseNumber(String part, String text) {
		String trimmed = part.trim();
		try {
			double value = Double.parseDouble(trimmed);
			if (Double.isFinite(value)) return value;
		}
		catch (NumberFormatException e) {
			// reported below
		}
		throw new IllegalArgumentException("'" + trimmed + "' in normalisation rule '" + text + "' is not a finite number; " + SYNTAX);
	}

	/**
	 * The intensity range this rule assigns to {@code image}: its percentiles (jointly or per channel, NaN samples
	 * ignored, computed like numpy.percentile's default linear method), the fixed bounds, or [-1, 1] for NONE.
	 * PERCENTILE and FIXED ranges clip normalised values to [-1, 1]; the NONE range does not. The image is not
	 * modified.
	 */
	public IntensityRange measure(FloatImage image) {
		// Gson reads a type name it does not know as null.
		if (type == null)
			throw new IllegalArgumentException("Normalisation rule has no known type; the model file may come from a newer version");
		switch (type) {
			case FIXED:
				return new IntensityRange(new float[] { (float) low }, new float[] { (float) high }, true);
			case NONE:
				return IntensityRange.identity();
			default:
				return measurePercentiles(image);
		}
	}

	private IntensityRange measurePercentiles(FloatImage image) {
		float[] data = image.data();
		if (!perChannel) {
			double[] values = Percentiles.of(data, 0, data.length, low, high);
			if (values == null)
				throw new IllegalArgumentException("Image " + image.shapeString() + " has only NaN samples; percentiles need at least one number");
			return new IntensityRange(new float[] { (float) values[0] }, new float[] { (float) values[1] }, true);
		}
		int channels = image.channels();
		int plane = image.planeSize();
		float[] lows = new float[channels];
		float[] highs = new float[channels];
		for (int c = 0; c < channels; c++) {
			double[] values = Percentiles.of(data, c * plane, plane, low, high);
			if (values == null)
				throw new IllegalArgumentException("Channel " + (c + 1) + " of image " + image.shapeString()
					+ " has only NaN samples; percentiles need at least one number per channel");
			lows[c] = (float) values[0];
			highs[c] = (float) values[1];
		}
		return new IntensityRange(lows, highs, true);
	}

	public Type type() { return type; }

	/** The low percentile (PERCENTILE), the minimum (FIXED) or -1 (NONE). */
	public double low() { return low; }

	/** The high percentile (PERCENTILE), the maximum (FIXED) or 1 (NONE). */
	public double high() { return high; }

	public boolean isPerChannel() { return perChannel; }

	@Override
	public boolean equals(Object o) {
		if (!(o instanceof NormalizationRule)) return false;
		NormalizationRule other = (NormalizationRule) o;
		return type == other.type && Double.compare(low, other.low) == 0 && Double.compare(high, other.high) == 0
			&& perChannel == other.perChannel;
	}

	@Override
	public int hashCode() {
		return Objects.hash(type, low, high, perChannel);
	}

	/** The form {@link #parse(String)} reads, e.g. {@code percentile:1:99.8,per_channel} or {@code fixed:0:255}. */
	@Override
	public String toString() {
		String text = type == Type.NONE ? name(type) : name(type) + ":" + number(low) + ":" + number(high);
		return perChannel ? text + "," + PER_CHANNEL_SUFFIX : text;
	}

	private static String name(Type type) {
		return type.name().toLowerCase(Locale.ROOT);
	}

	/** Whole numbers without a trailing ".0"; anything else as Double.toString, which parses back exactly. */
	private static String number(double value) {
		if (value == Math.rint(value) && Math.abs(value) < 1e15)
			return Long.toString((long) value);
		return Double.toString(value);
	}
}
