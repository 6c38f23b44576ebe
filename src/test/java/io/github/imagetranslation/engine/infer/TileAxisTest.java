package io.github.imagetranslation.engine.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Tile placement and blending weights, against values worked out by hand. */
class TileAxisTest {

	private static int[] starts(TileAxis axis) {
		int[] s = new int[axis.count()];
		for (int i = 0; i < s.length; i++)
			s[i] = axis.start(i);
		return s;
	}

	private static double cos2(double t) {
		double c = Math.cos(Math.PI / 2 * t);
		return c * c;
	}

	@Test
	void threeTilesBlendAlongRaisedCosinesOverTheMiddleHalfOfEachOverlap() {
		// 256 px in tiles of 128 with at least 32 overlap: strides of at most 96, so 3 tiles at 0, 64, 128,
		// overlapping by 64 on [64, 128) and [128, 192); transitions centred at 96 and 160, 32 px wide
		TileAxis axis = new TileAxis(256, 128, 32, 4);
		assertArrayEquals(new int[] { 0, 64, 128 }, starts(axis));
		float[] w0 = axis.weights(0), w1 = axis.weights(1), w2 = axis.weights(2);
		for (int k = 0; k < 128; k++) {
			double p = k + 0.5;
			double expected0 = p < 80 ? 1 : p > 112 ? 0 : cos2((p - 80) / 32);
			assertEquals(expected0, w0[k], 1e-6, "tile 0 at " + k);
			double q = 64 + p;
			double expected1 = q < 80 ? 0 : q < 112 ? 1 - cos2((q - 80) / 32) : q < 144 ? 1 : q < 176 ? cos2((q - 144) / 32) : 0;
			assertEquals(expected1, w1[k], 1e-6, "tile 1 at " + k);
			double r = 128 + p;
			double expected2 = r < 144 ? 0 : r < 176 ? 1 - cos2((r - 144) / 32) : 1;
			assertEquals(expected2, w2[k], 1e-6, "tile 2 at " + k);
		}
		// owned parts split at the transition centres
		assertEquals(0, axis.ownedStart(0, 4));
		assertEquals(96, axis.ownedEnd(0, 4));
		assertEquals(96, axis.ownedStart(1, 4));
		assertEquals(160, axis.ownedEnd(1, 4));
		assertEquals(256, axis.ownedEnd(2, 4));
	}

	@Test
	void unevenLengthsKeepTheOverlapAndThePartitionOfUnity() {
		// 200 px, tiles of 64, overlap at least 16, multiple 4: 34 steps of 4 to cover with strides of at most
		// 12 steps, so 4 tiles at 0, 44, 88, 136 (overlaps 20, 20, 16; transitions 4 px either side of centre)
		TileAxis axis = new TileAxis(200, 64, 16, 4);
		assertArrayEquals(new int[] { 0, 44, 88, 136 }, starts(axis));
		double[] sum = new double[200];
		for (int i = 0; i < axis.count(); i++) {
			float[] w = axis.weights(i);
			for (int k = 0; k < 64; k++) {
				assertTrue(w[k] >= 0 && w[k] <= 1);
				sum[axis.start(i) + k] += w[k];
			}
			int end = axis.start(i) + 64;
			if (i > 0) {
				int overlap = axis.start(i - 1) + 64 - axis.start(i);
				for (int k = 0; k < overlap / 4; k++)
					assertEquals(0, w[k], 0, "tile " + i + " weighs its outer quarter of the overlap");
			}
			if (i + 1 < axis.count()) {
				int overlap = end - axis.start(i + 1);
				for (int k = 64 - overlap / 4; k < 64; k++)
					assertEquals(0, w[k], 0, "tile " + i + " weighs its outer quarter of the overlap");
			}
		}
		for (int p = 0; p < 200; p++)
			assertEquals(1, sum[p], 1e-6, "weights sum to 1 at " + p);
		int previousEnd = 0;
		for (int i = 0; i < axis.count(); i++) {
			assertEquals(previousEnd, axis.ownedStart(i, 4));
			assertEquals(0, axis.ownedStart(i, 4) % 4);
			previousEnd = axis.ownedEnd(i, 4);
		}
		assertEquals(200, previousEnd);
	}

	@Test
	void withoutOverlapTilesAreCutHard() {
		TileAxis axis = new TileAxis(256, 64, 0, 4);
		assertArrayEquals(new int[] { 0, 64, 128, 192 }, starts(axis));
		for (int i = 0; i < 4; i++)
			for (float w : axis.weights(i))
				assertEquals(1, w, 0);
	}

	@Test
	void aTileLongerThanTheAxisCoversItWhole() {
		TileAxis axis = new TileAxis(96, 128, 32, 32);
		assertEquals(1, axis.count());
		assertEquals(96, axis.tile());
		for (float w : axis.weights(0))
			assertEquals(1, w, 0);
		assertThrows(IllegalArgumentException.class, () -> new TileAxis(96, 64, 40, 32));
	}
}
