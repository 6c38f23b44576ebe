package io.github.imagetranslation.engine.norm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import io.github.imagetranslation.engine.image.FloatImage;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

class IntensityRangeTest {

	private static FloatImage row(float... values) {
		return new FloatImage(1, 1, values.length, values);
	}

	// ---- normalize ----

	@Test
	void normalizeMapsLowToMinusOneAndHighToOne() {
		// y = (x - 100) * 2 / 200 - 1: 100 -> -1, 200 -> 0, 300 -> 1, 50 -> -1.5, 400 -> 2, 150 -> -0.5.
		IntensityRange range = IntensityRange.of(100, 300, false);
		FloatImage out = range.normalize(row(100, 200, 300, 50, 400, 150));
		assertArrayEquals(new float[] { -1, 0, 1, -1.5f, 2, -0.5f }, out.data(), 1e-6f);
	}

	@Test
	void clippingRangeLimitsToMinusOneAndOne() {
		IntensityRange range = IntensityRange.of(100, 300, true);
		FloatImage out = range.normalize(row(100, 200, 300, 50, 400, 150));
		assertArrayEquals(new float[] { -1, 0, 1, -1, 1, -0.5f }, out.data(), 1e-6f);
	}

	@Test
	void normalizeReturnsANewImageAndLeavesTheInput() {
		float[] data = { 0, 5, 10, 20 };
		FloatImage image = new FloatImage(1, 2, 2, data);
		FloatImage out = IntensityRange.of(0, 10, true).normalize(image);
		assertNotSame(image, out);
		assertArrayEquals(new float[] { 0, 5, 10, 20 }, data);
		assertEquals(1, out.channels());
		assertEquals(2, out.height());
		assertEquals(2, out.width());
		// (x - 0) * 2 / 10 - 1: 0 -> -1, 5 -> 0, 10 -> 1, 20 -> 3 clipped to 1.
		assertArrayEquals(new float[] { -1, 0, 1, 1 }, out.data(), 1e-6f);
	}

	@Test
	void jointRangeAppliesToEveryChannel() {
		FloatImage image = new FloatImage(2, 1, 2, new float[] { 0, 255, 51, 127.5f });
		// (x / 255) * 2 - 1: 0 -> -1, 255 -> 1, 51 -> -0.6, 127.5 -> 0.
		FloatImage out = IntensityRange.of(0, 255, true).normalize(image);
		assertArrayEquals(new float[] { -1, 1, -0.6f, 0 }, out.data(), 1e-6f);
	}

	@Test
	void perChannelRangeAppliesEachPairToItsChannel() {
		IntensityRange range = new IntensityRange(new float[] { 0, 1000 }, new float[] { 10, 3000 }, false);
		FloatImage image = new FloatImage(2, 1, 3, new float[] { 0, 5, 10, 1000, 2000, 3500 });
		// Channel 0: x * 2 / 10 - 1 -> -1, 0, 1; channel 1: (x - 1000) * 2 / 2000 - 1 -> -1, 0, 1.5.
		FloatImage out = range.normalize(image);
		assertArrayEquals(new float[] { -1, 0, 1, -1, 0, 1.5f }, out.data(), 1e-6f);
		assertEquals(1000f, range.low(1));
		assertEquals(10f, range.high(0));
	}

	@Test
	void perChannelRangeNeedsMatchingChannels() {
		IntensityRange range = new IntensityRange(new float[] { 0, 0 }, new float[] { 1, 1 }, true);
		FloatImage threeChannels = new FloatImage(3, 1, 1);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> range.normalize(threeChannels));
		assertTrue(e.getMessage().contains("2") && e.getMessage().contains("3"), e.getMessage());
		assertThrows(IllegalArgumentException.class, () -> range.denormalize(threeChannels));
		assertThrows(IllegalArgumentException.class, () -> range.low(2));
	}

	@Test
	void nanStaysNan() {
		FloatImage out = IntensityRange.of(0, 2, true).normalize(row(Float.NaN, 1));
		assertTrue(Float.isNaN(out.data()[0]));
		assertEquals(0f, out.data()[1]);
		assertTrue(Float.isNaN(IntensityRange.of(0, 2, true).denormalize(row(Float.NaN)).data()[0]));
	}

	// ---- denormalize ----

	@Test
	void denormalizeMapsMinusOneToLowAndOneToHigh() {
		// x = 100 + (y + 1) * 200 / 2: -1 -> 100, 0 -> 200, 1 -> 300, 0.5 -> 250, 2 -> 400, -1.5 -> 50.
		FloatImage out = IntensityRange.of(100, 300, false).denormalize(row(-1, 0, 1, 0.5f, 2, -1.5f));
		assertArrayEquals(new float[] { 100, 200, 300, 250, 400, 50 }, out.data(), 1e-4f);
	}

	@Test
	void denormalizeNeverClips() {
		FloatImage out = IntensityRange.of(100, 300, true).denormalize(row(2, -3));
		// 100 + 3 * 100 = 400; 100 + (-2) * 100 = -100.
		assertArrayEquals(new float[] { 400, -100 }, out.data(), 1e-4f);
	}

	@Test
	void perChannelDenormalize() {
		IntensityRange range = new IntensityRange(new float[] { 0, 1000 }, new float[] { 10, 3000 }, true);
		FloatImage out = range.denormalize(new FloatImage(2, 1, 2, new float[] { -1, 1, 0, 0.5f }));
		// Channel 0: (y + 1) * 5 -> 0, 10; channel 1: 1000 + (y + 1) * 1000 -> 2000, 2500.
		assertArrayEquals(new float[] { 0, 10, 2000, 2500 }, out.data(), 1e-4f);
	}

	@Test
	void sixteenBitRoundTripIsExact() {
		// Every 16-bit value, inside and outside the range [120, 61234], without clipping.
		float[] data = new float[65536];
		for (int i = 0; i < data.length; i++) data[i] = i;
		IntensityRange range = IntensityRange.of(120, 61234, false);
		FloatImage back = range.denormalize(range.normalize(new FloatImage(1, 256, 256, data)));
		double span = 61234 - 120;
		for (int i = 0; i < data.length; i++) {
			float v = back.data()[i];
			assertEquals(i, v, 1e-6 * span, "value " + i);
			assertEquals(i, Math.round(v), "value " + i);
		}
	}

	@Test
	void roundTripIsWithinOneMillionthOfTheSpan() {
		float[] data = { 0, 1, 2.5f, 999.75f, 30000, 65534, 65535 };
		IntensityRange range = IntensityRange.of(0, 65535, true);
		FloatImage back = range.denormalize(range.normalize(row(data)));
		for (int i = 0; i < data.length; i++)
			assertEquals(data[i], back.data()[i], 1e-6 * 65535, "value " + data[i]);
	}

	// ---- identity and degenerate ranges ----

	@Test
	void identityRangeCopiesExactly() {
		float[] data = { -0.0f, 1e-30f, -0.37f, 1.5f, Float.NaN };
		FloatImage image = row(data);
		FloatImage normalized = IntensityRange.identity().normalize(image);
		FloatImage denormalized = IntensityRange.identity().denormalize(image);
		assertNotSame(image, normalized);
		assertNotSame(image, denormalized);
		// Arrays.equals on floats compares bit patterns, so -0 and NaN must come through unchanged.
		assertTrue(Arrays.equals(data, normalized.data()));
		assertTrue(Arrays.equals(data, denormalized.data()));
		assertFalse(IntensityRange.identity().clips());
	}

	@Test
	void degenerateRangeUsesASpanOfOne() {
		// low = high = 500: treated as [500, 501]; y = (x - 500) * 2 - 1.
		IntensityRange range = IntensityRange.of(500, 500, false);
		assertTrue(range.isDegenerate());
		// 500 -> -1, 500.5 -> 0, 501 -> 1, 499 -> -3, 502 -> 3.
		FloatImage out = range.normalize(row(500, 500.5f, 501, 499, 502));
		assertArrayEquals(new float[] { -1, 0, 1, -3, 3 }, out.data(), 1e-6f);
		// Inverse: 500 + (y + 1) / 2: -1 -> 500, 0 -> 500.5, 1 -> 501.
		FloatImage back = range.denormalize(row(-1, 0, 1));
		assertArrayEquals(new float[] { 500, 500.5f, 501 }, back.data(), 1e-6f);
		// Clipped, the constant image is -1 everywhere and brighter values saturate at 1.
		FloatImage clipped = IntensityRange.of(500, 500, true).normalize(row(500, 500, 499, 502));
		assertArrayEquals(new float[] { -1, -1, -1, 1 }, clipped.data(), 1e-6f);
	}

	@Test
	void constantImageNormalisesToMinusOne() {
		FloatImage constant = new FloatImage(1, 3, 3, new float[] { 7, 7, 7, 7, 7, 7, 7, 7, 7 });
		IntensityRange range = NormalizationRule.percentile().measure(constant);
		assertEquals(7f, range.low(0));
		assertEquals(7f, range.high(0));
		for (float v : range.normalize(constant).data())
			assertEquals(-1f, v);
	}

	@Test
	void degeneracyIsRelativeToTheBounds() {
		// Span 0.5 at 1e6 is below 1e-6 * 1000000.5 = 1.0000005: degenerate.
		assertTrue(IntensityRange.of(1_000_000f, 1_000_000.5f, true).isDegenerate());
		assertTrue(IntensityRange.of(0, 0, true).isDegenerate());
		// Span 1e-3 around 0 is as wide as the bounds: usable, so 5e-4 maps to 0.
		IntensityRange small = IntensityRange.of(0, 1e-3f, true);
		assertFalse(small.isDegenerate());
		assertEquals(0f, small.normalize(row(5e-4f)).data()[0], 1e-6f);
		// A per-channel range is degenerate when any channel is.
		assertTrue(new IntensityRange(new float[] { 0, 3 }, new float[] { 1, 3 }, true).isDegenerate());
	}

	// ---- median ----

	@Test
	void medianOfAnOddCountIsTheMiddleValue() {
		List<IntensityRange> ranges = Arrays.asList(
			IntensityRange.of(1, 10, true), IntensityRange.of(5, 30, true), IntensityRange.of(3, 20, true));
		// Lows 1 3 5 -> 3; highs 10 20 30 -> 20.
		assertEquals(IntensityRange.of(3, 20, true), IntensityRange.median(ranges));
	}

	@Test
	void medianOfAnEvenCountAveragesTheMiddleValues() {
		List<IntensityRange> ranges = Arrays.asList(
			IntensityRange.of(10, 50, false), IntensityRange.of(1, 10, false),
			IntensityRange.of(3, 40, false), IntensityRange.of(2, 20, false));
		// Lows 1 2 3 10 -> (2 + 3) / 2 = 2.5; highs 10 20 40 50 -> (20 + 40) / 2 = 30.
		assertEquals(IntensityRange.of(2.5f, 30, false), IntensityRange.median(ranges));
	}

	@Test
	void medianIsElementWisePerChannel() {
		List<IntensityRange> ranges = Arrays.asList(
			new IntensityRange(new float[] { 0, 100 }, new float[] { 9, 900 }, true),
			new IntensityRange(new float[] { 2, 300 }, new float[] { 7, 700 }, true),
			new IntensityRange(new float[] { 1, 200 }, new float[] { 8, 800 }, true));
		// Channel 0: lows 0 1 2 -> 1, highs 7 8 9 -> 8; channel 1: lows -> 200, highs -> 800.
		IntensityRange median = IntensityRange.median(ranges);
		assertArrayEquals(new float[] { 1, 200 }, median.low());
		assertArrayEquals(new float[] { 8, 800 }, median.high());
		assertTrue(median.clips());
	}

	@Test
	void medianOfOneRangeIsThatRange() {
		IntensityRange range = IntensityRange.of(12.5f, 4000, true);
		assertEquals(range, IntensityRange.median(Collections.singletonList(range)));
	}

	@Test
	void medianRejectsEmptyAndMixedLists() {
		assertThrows(IllegalArgumentException.class, () -> IntensityRange.median(Collections.emptyList()));
		assertThrows(IllegalArgumentException.class, () -> IntensityRange.median(Arrays.asList(
			IntensityRange.of(0, 1, true), new IntensityRange(new float[] { 0, 0 }, new float[] { 1, 1 }, true))));
		assertThrows(IllegalArgumentException.class, () -> IntensityRange.median(Arrays.asList(
			IntensityRange.of(0, 1, true), IntensityRange.of(0, 1, false))));
	}

	// ---- construction, accessors, equality, Gson ----

	@Test
	void constructorRejectsInvalidBounds() {
		assertThrows(IllegalArgumentException.class, () -> IntensityRange.of(5, 4, true));
		assertThrows(IllegalArgumentException.class, () -> IntensityRange.of(Float.NaN, 4, true));
		assertThrows(IllegalArgumentException.class, () -> IntensityRange.of(0, Float.POSITIVE_INFINITY, true));
		assertThrows(IllegalArgumentException.class, () -> new IntensityRange(new float[0], new float[0], true));
		assertThrows(IllegalArgumentException.class, () -> new IntensityRange(new float[] { 0 }, new float[] { 1, 2 }, true));
	}

	@Test
	void boundsAreCopiedInAndOut() {
		float[] low = { 1, 2 };
		float[] high = { 3, 4 };
		IntensityRange range = new IntensityRange(low, high, true);
		low[0] = -50;
		range.high()[1] = 99;
		assertArrayEquals(new float[] { 1, 2 }, range.low());
		assertArrayEquals(new float[] { 3, 4 }, range.high());
		assertEquals(2, range.size());
		assertFalse(range.isJoint());
	}

	@Test
	void equalityComparesBoundsAndClip() {
		assertEquals(IntensityRange.of(0, 1, true), IntensityRange.of(0, 1, true));
		assertEquals(IntensityRange.of(0, 1, true).hashCode(), IntensityRange.of(0, 1, true).hashCode());
		assertNotEquals(IntensityRange.of(0, 1, true), IntensityRange.of(0, 1, false));
		assertNotEquals(IntensityRange.of(0, 1, true), IntensityRange.of(0, 2, true));
		assertEquals("IntensityRange[low=[0.0], high=[255.0], clip=true]", IntensityRange.of(0, 255, true).toString());
	}

	@Test
	void gsonRoundTripGivesEqualRanges() {
		Gson gson = new Gson();
		IntensityRange[] ranges = {
			IntensityRange.of(103.25f, 61234, true), IntensityRange.identity(),
			new IntensityRange(new float[] { 0, 1.5e-3f }, new float[] { 4095, 2.75f }, true),
		};
		for (IntensityRange range : ranges)
			assertEquals(range, gson.fromJson(gson.toJson(range), IntensityRange.class), range.toString());
		assertEquals("{\"low\":[0.0],\"high\":[255.0],\"clip\":true}", gson.toJson(IntensityRange.of(0, 255, true)));
	}
}
