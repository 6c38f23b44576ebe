package io.github.imagetranslation.engine.norm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import io.github.imagetranslation.engine.image.FloatImage;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class NormalizationRuleTest {

	// ---- factories, parse and toString ----

	@Test
	void defaultPercentileRuleIsOneAndNinetyNinePointEightJoint() {
		NormalizationRule rule = NormalizationRule.percentile();
		assertEquals(NormalizationRule.Type.PERCENTILE, rule.type());
		assertEquals(1, rule.low());
		assertEquals(99.8, rule.high());
		assertFalse(rule.isPerChannel());
	}

	@Test
	void parseReadsEveryForm() {
		assertEquals(NormalizationRule.percentile(1, 99.8), NormalizationRule.parse("percentile"));
		assertEquals(NormalizationRule.percentile(2, 99.5), NormalizationRule.parse("percentile:2:99.5"));
		assertEquals(NormalizationRule.fixed(0, 255), NormalizationRule.parse("fixed:0:255"));
		assertEquals(NormalizationRule.fixed(-1.5, 1e4), NormalizationRule.parse("fixed:-1.5:1e4"));
		assertEquals(NormalizationRule.none(), NormalizationRule.parse("none"));
		NormalizationRule perChannel = NormalizationRule.parse("percentile:0.5:99,per_channel");
		assertTrue(perChannel.isPerChannel());
		assertEquals(0.5, perChannel.low());
		assertEquals(99, perChannel.high());
		assertTrue(NormalizationRule.parse("percentile,per_channel").isPerChannel());
	}

	@Test
	void parseIgnoresCaseAndSpaces() {
		assertEquals(NormalizationRule.percentile(2, 98).withPerChannel(true),
			NormalizationRule.parse(" Percentile : 2 : 98 , PER_CHANNEL "));
		assertEquals(NormalizationRule.none(), NormalizationRule.parse("NONE"));
	}

	@Test
	void toStringIsReadBackByParse() {
		NormalizationRule[] rules = {
			NormalizationRule.percentile(),
			NormalizationRule.percentile(0, 100),
			NormalizationRule.percentile(0.1, 99.97).withPerChannel(true),
			NormalizationRule.fixed(0, 65535),
			NormalizationRule.fixed(-0.25, 1.0 / 3),
			NormalizationRule.fixed(-0.0, 1e20),
			NormalizationRule.none(),
		};
		for (NormalizationRule rule : rules)
			assertEquals(rule, NormalizationRule.parse(rule.toString()), rule.toString());
	}

	@Test
	void toStringWritesWholeNumbersWithoutDecimals() {
		assertEquals("percentile:1:99.8", NormalizationRule.percentile().toString());
		assertEquals("percentile:2:99.5,per_channel", NormalizationRule.percentile(2, 99.5).withPerChannel(true).toString());
		assertEquals("fixed:0:255", NormalizationRule.fixed(0, 255).toString());
		assertEquals("none", NormalizationRule.none().toString());
	}

	@Test
	void parseRejectsMalformedStrings() {
		String[] bad = {
			"", "  ", "percentil", "percentile:1", "percentile:1:2:3", "percentile:a:99", "percentile:1:NaN",
			"fixed", "fixed:0", "fixed:0:Infinity", "none:0:1", "percentile,per-channel", "percentile,per_channel,x",
			"gamma:2:3",
		};
		for (String text : bad)
			assertThrows(IllegalArgumentException.class, () -> NormalizationRule.parse(text), "'" + text + "'");
		assertThrows(IllegalArgumentException.class, () -> NormalizationRule.parse(null));
	}

	@Test
	void parseRejectsInvalidValues() {
		String[] bad = {
			"percentile:99:1", "percentile:5:5", "percentile:-1:99", "percentile:1:100.5", "fixed:255:0", "fixed:3:3",
			"fixed:0:255,per_channel", "none,per_channel",
		};
		for (String text : bad)
			assertThrows(IllegalArgumentException.class, () -> NormalizationRule.parse(text), "'" + text + "'");
	}

	@Test
	void errorMessagesNameTheProblem() {
		IllegalArgumentException order = assertThrows(IllegalArgumentException.class,
			() -> NormalizationRule.percentile(60, 40));
		assertTrue(order.getMessage().contains("60") && order.getMessage().contains("40"), order.getMessage());
		IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
			() -> NormalizationRule.parse("gamma:2"));
		assertTrue(unknown.getMessage().contains("gamma:2") && unknown.getMessage().contains("fixed:MIN:MAX"), unknown.getMessage());
	}

	@Test
	void perChannelOnlyAppliesToPercentileRules() {
		assertThrows(IllegalArgumentException.class, () -> NormalizationRule.fixed(0, 1).withPerChannel(true));
		assertThrows(IllegalArgumentException.class, () -> NormalizationRule.none().withPerChannel(true));
		assertFalse(NormalizationRule.percentile().withPerChannel(true).withPerChannel(false).isPerChannel());
	}

	@Test
	void equalsComparesAllFields() {
		assertEquals(NormalizationRule.percentile(1, 99).hashCode(), NormalizationRule.percentile(1, 99).hashCode());
		assertNotEquals(NormalizationRule.percentile(1, 99), NormalizationRule.percentile(1, 99.5));
		assertNotEquals(NormalizationRule.percentile(1, 99), NormalizationRule.percentile(1, 99).withPerChannel(true));
		assertNotEquals(NormalizationRule.percentile(0, 100), NormalizationRule.fixed(0, 100));
	}

	// ---- Gson ----

	@Test
	void gsonRoundTripGivesEqualRules() {
		Gson gson = new Gson();
		NormalizationRule[] rules = {
			NormalizationRule.percentile(), NormalizationRule.percentile(2, 99.5).withPerChannel(true),
			NormalizationRule.fixed(0, 255), NormalizationRule.none(),
		};
		for (NormalizationRule rule : rules)
			assertEquals(rule, gson.fromJson(gson.toJson(rule), NormalizationRule.class), rule.toString());
	}

	@Test
	void gsonWritesPlainFields() {
		assertEquals("{\"type\":\"FIXED\",\"low\":0.0,\"high\":255.0,\"perChannel\":false}",
			new Gson().toJson(NormalizationRule.fixed(0, 255)));
	}

	@Test
	void gsonFillsMissingFieldsWithDefaults() {
		NormalizationRule rule = new Gson().fromJson("{\"perChannel\":true}", NormalizationRule.class);
		assertEquals(NormalizationRule.percentile().withPerChannel(true), rule);
	}

	@Test
	void ruleWithUnknownTypeFromJsonCannotMeasure() {
		NormalizationRule rule = new Gson().fromJson("{\"type\":\"GAMMA\"}", NormalizationRule.class);
		assertThrows(IllegalArgumentException.class, () -> rule.measure(new FloatImage(1, 1, 1)));
	}

	// ---- measure ----

	@Test
	void percentilesInterpolateBetweenOrderStatistics() {
		// Sorted: 1 1 2 3 3 4 5 5 5 6 9 (n = 11, positions p/100 * 10).
		FloatImage image = new FloatImage(1, 1, 11, new float[] { 3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5 });
		// p = 25: position 2.5 -> 2 + 0.5 * (3 - 2) = 2.5; p = 99.8: position 9.98 -> 6 + 0.98 * (9 - 6) = 8.94.
		IntensityRange range = NormalizationRule.percentile(25, 99.8).measure(image);
		assertArrayEquals(new float[] { 2.5f }, range.low());
		assertArrayEquals(new float[] { 8.94f }, range.high());
		assertTrue(range.clips());
		// p = 1: position 0.1 -> 1 + 0.1 * (1 - 1) = 1; p = 37.5: position 3.75 -> 3 + 0.75 * (3 - 3) = 3.
		IntensityRange other = NormalizationRule.percentile(1, 37.5).measure(image);
		assertEquals(1f, other.low(0));
		assertEquals(3f, other.high(0));
	}

	@Test
	void percentileZeroAndHundredAreMinimumAndMaximum() {
		FloatImage image = new FloatImage(1, 2, 3, new float[] { 7.5f, -2.25f, 100, 3, 3, 0 });
		IntensityRange range = NormalizationRule.percentile(0, 100).measure(image);
		assertEquals(-2.25f, range.low(0));
		assertEquals(100f, range.high(0));
	}

	@Test
	void jointPercentilesPoolAllChannels() {
		// Channel 0: 0 10 20 30, channel 1: 100 110 120 130; pooled n = 8, positions p/100 * 7.
		FloatImage image = new FloatImage(2, 2, 2, new float[] { 30, 0, 20, 10, 130, 100, 110, 120 });
		// p = 20: position 1.4 -> 10 + 0.4 * (20 - 10) = 14; p = 90: position 6.3 -> 120 + 0.3 * (130 - 120) = 123.
		IntensityRange range = NormalizationRule.percentile(20, 90).measure(image);
		assertTrue(range.isJoint());
		assertEquals(14f, range.low(0), 1e-5f);
		assertEquals(123f, range.high(0), 1e-5f);
	}

	@Test
	void perChannelPercentilesMeasureEachChannel() {
		FloatImage image = new FloatImage(2, 2, 2, new float[] { 30, 0, 20, 10, 130, 100, 110, 120 });
		// Each channel n = 4, positions p/100 * 3. p = 20: 0.6; p = 90: 2.7.
		// Channel 0: 0 + 0.6 * 10 = 6 and 20 + 0.7 * 10 = 27; channel 1: 106 and 127.
		IntensityRange range = NormalizationRule.percentile(20, 90).withPerChannel(true).measure(image);
		assertEquals(2, range.size());
		assertArrayEquals(new float[] { 6, 106 }, range.low(), 1e-5f);
		assertArrayEquals(new float[] { 27, 127 }, range.high(), 1e-5f);
	}

	@Test
	void nanSamplesAreIgnored() {
		float nan = Float.NaN;
		// Numbers 4 2 8 6 (sorted 2 4 6 8, positions p/100 * 3). p = 50: 1.5 -> 5; p = 100: 8.
		FloatImage image = new FloatImage(1, 2, 3, new float[] { 4, nan, 2, 8, nan, 6 });
		IntensityRange range = NormalizationRule.percentile(50, 100).measure(image);
		assertEquals(5f, range.low(0));
		assertEquals(8f, range.high(0));
	}

	@Test
	void onlyNanSamplesIsAnError() {
		float nan = Float.NaN;
		FloatImage allNan = new FloatImage(1, 1, 2, new float[] { nan, nan });
		assertThrows(IllegalArgumentException.class, () -> NormalizationRule.percentile().measure(allNan));
		FloatImage oneChannelNan = new FloatImage(2, 1, 2, new float[] { 1, 2, nan, nan });
		assertThrows(IllegalArgumentException.class,
			() -> NormalizationRule.percentile().withPerChannel(true).measure(oneChannelNan));
		assertEquals(1f, NormalizationRule.percentile(0, 100).measure(oneChannelNan).low(0));
	}

	@Test
	void fixedAndNoneIgnoreTheImage() {
		FloatImage image = new FloatImage(3, 2, 2, new float[12]);
		IntensityRange fixed = NormalizationRule.fixed(10, 4095).measure(image);
		assertArrayEquals(new float[] { 10 }, fixed.low());
		assertArrayEquals(new float[] { 4095 }, fixed.high());
		assertTrue(fixed.clips());
		IntensityRange none = NormalizationRule.none().measure(image);
		assertArrayEquals(new float[] { -1 }, none.low());
		assertArrayEquals(new float[] { 1 }, none.high());
		assertFalse(none.clips());
	}

	@Test
	void measureDoesNotModifyTheImage() {
		float[] data = { 9, 3, Float.NaN, 1, 7, 5 };
		float[] before = data.clone();
		NormalizationRule.percentile(10, 90).measure(new FloatImage(1, 2, 3, data));
		NormalizationRule.percentile(10, 90).withPerChannel(true).measure(new FloatImage(2, 1, 3, data));
		assertArrayEquals(before, data);
	}

	@Test
	void largeSixteenBitImageMatchesSortedPercentiles() {
		// 300x300 integer samples take the histogram path; the expectation sorts a copy here.
		Random random = new Random(42);
		float[] data = new float[2 * 300 * 300];
		for (int i = 0; i < data.length; i++)
			data[i] = i % 7 == 0 ? 65535 : (float) Math.floor(Math.abs(random.nextGaussian()) * 9000);
		data[5] = Float.NaN;
		float[] before = data.clone();
		FloatImage image = new FloatImage(2, 300, 300, data);
		double[] sorted = sortedNumbers(data, 0, data.length);
		double[][] channels = { sortedNumbers(data, 0, 90000), sortedNumbers(data, 90000, 90000) };
		for (double[] p : new double[][] { { 1, 99.8 }, { 0, 100 }, { 33.3, 66.6 } }) {
			IntensityRange joint = NormalizationRule.percentile(p[0], p[1]).measure(image);
			assertClose(percentileOfSorted(sorted, p[0]), joint.low(0));
			assertClose(percentileOfSorted(sorted, p[1]), joint.high(0));
			IntensityRange perChannel = NormalizationRule.percentile(p[0], p[1]).withPerChannel(true).measure(image);
			for (int c = 0; c < 2; c++) {
				assertClose(percentileOfSorted(channels[c], p[0]), perChannel.low(c));
				assertClose(percentileOfSorted(channels[c], p[1]), perChannel.high(c));
			}
		}
		assertArrayEquals(before, data);
	}

	@Test
	void largeSignedIntegerImageMatchesSortedPercentiles() {
		// Whole numbers from -1000 to 1000 (a histogram needs an offset); a few NaN.
		Random random = new Random(3);
		float[] data = new float[70000];
		for (int i = 0; i < data.length; i++)
			data[i] = i % 1000 == 0 ? Float.NaN : random.nextInt(2001) - 1000;
		FloatImage image = new FloatImage(1, 350, 200, data);
		double[] sorted = sortedNumbers(data, 0, data.length);
		for (double[] p : new double[][] { { 0, 100 }, { 0.05, 99.95 }, { 12.34, 87.66 } }) {
			IntensityRange range = NormalizationRule.percentile(p[0], p[1]).measure(image);
			assertClose(percentileOfSorted(sorted, p[0]), range.low(0));
			assertClose(percentileOfSorted(sorted, p[1]), range.high(0));
		}
	}

	@Test
	void largeFloatImageMatchesSortedPercentiles() {
		Random random = new Random(7);
		float[] data = new float[400 * 400];
		for (int i = 0; i < data.length; i++)
			data[i] = (float) (random.nextGaussian() * 3.7 + 12.1);
		FloatImage image = new FloatImage(1, 400, 400, data);
		double[] sorted = sortedNumbers(data, 0, data.length);
		IntensityRange range = NormalizationRule.percentile(0.7, 99.3).measure(image);
		assertClose(percentileOfSorted(sorted, 0.7), range.low(0));
		assertClose(percentileOfSorted(sorted, 99.3), range.high(0));
	}

	@Test
	void selectionHandlesOrderedAndRepetitiveFloatData() {
		// Non-integer samples in patterns that stress a selection algorithm: ascending, descending, few distinct
		// values, all equal, organ-pipe, and with negative zero; each checked against a full sort.
		int n = 5003;
		float[][] patterns = new float[6][n];
		for (int i = 0; i < n; i++) {
			patterns[0][i] = i * 0.5f;
			patterns[1][i] = (n - i) * 0.25f;
			patterns[2][i] = (i * 7919 % 5) * 1.5f;
			patterns[3][i] = 2.5f;
			patterns[4][i] = Math.min(i, n - i) + 0.5f;
			patterns[5][i] = i % 3 == 0 ? -0.0f : (i % 3 == 1 ? 0.0f : -0.5f);
		}
		double[][] percents = { { 0, 100 }, { 1, 99.8 }, { 49.99, 50.01 }, { 10, 10.0001 } };
		for (int k = 0; k < patterns.length; k++) {
			float[] data = patterns[k];
			FloatImage image = new FloatImage(1, 1, n, data);
			double[] sorted = sortedNumbers(data, 0, n);
			for (double[] p : percents) {
				IntensityRange range = NormalizationRule.percentile(p[0], p[1]).measure(image);
				assertClose(percentileOfSorted(sorted, p[0]), range.low(0));
				assertClose(percentileOfSorted(sorted, p[1]), range.high(0));
			}
		}
	}

	/** Equal up to two units in the last place: the two interpolation formulas may round differently. */
	private static void assertClose(float expected, float actual) {
		assertEquals(expected, actual, 2 * Math.ulp(expected));
	}

	/** The samples of {@code data[offset, offset + length)} that are not NaN, sorted. */
	private static double[] sortedNumbers(float[] data, int offset, int length) {
		double[] values = new double[length];
		int n = 0;
		for (int i = offset; i < offset + length; i++)
			if (!Float.isNaN(data[i])) values[n++] = data[i];
		values = Arrays.copyOf(values, n);
		Arrays.sort(values);
		return values;
	}

	/** numpy.percentile's linear method written out directly: interpolate at p/100 * (n - 1) in sorted values. */
	private static float percentileOfSorted(double[] values, double p) {
		int n = values.length;
		double position = p / 100 * (n - 1);
		int i = (int) position;
		double t = position - i;
		double next = i + 1 < n ? values[i + 1] : values[i];
		return (float) (values[i] + t * (next - values[i]));
	}
}
