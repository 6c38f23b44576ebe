package io.github.imagetranslation.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.github.imagetranslation.engine.random.SplitMix64;

/** The image pool behaves as the reference ImagePool. */
class ImagePoolTest {

	@Test
	void storesAndUsesNewImagesUntilFull() {
		ImagePool pool = new ImagePool(3);
		SplitMix64 r = new SplitMix64(1);
		for (int i = 0; i < 3; i++) {
			ImagePool.Choice c = pool.choose(r);
			assertTrue(c.useNew());
			pool.commit(c, new float[] { i });
		}
		assertEquals(3, pool.size());
	}

	@Test
	void onceFullReturnsAStoredImageHalfTheTimeAndReplacesIt() {
		ImagePool pool = new ImagePool(4);
		SplitMix64 r = new SplitMix64(2);
		for (int i = 0; i < 4; i++)
			pool.commit(pool.choose(r), new float[] { i });
		int stored = 0, trials = 20000;
		for (int t = 0; t < trials; t++) {
			ImagePool.Choice c = pool.choose(r);
			float next = 100 + t;
			if (!c.useNew()) {
				stored++;
				float[] before = pool.stored(c).clone();
				pool.commit(c, new float[] { next });
				// the returned image was a stored one, and the new image took its place
				assertTrue(before[0] < next);
				assertArrayEquals(new float[] { next }, pool.stored(c), 0f);
			} else {
				int size = pool.size();
				pool.commit(c, new float[] { next });
				assertEquals(size, pool.size());
			}
		}
		// binomial(20000, 0.5): standard deviation 71, so 0.5 +- 0.02 is over five deviations
		assertEquals(0.5, stored / (double) trials, 0.02);
		assertEquals(4, pool.size());
	}

	@Test
	void sizeZeroAlwaysUsesTheNewImage() {
		ImagePool pool = new ImagePool(0);
		SplitMix64 r = new SplitMix64(3);
		for (int i = 0; i < 100; i++) {
			ImagePool.Choice c = pool.choose(r);
			assertTrue(c.useNew());
			pool.commit(c, new float[] { i });
		}
		assertEquals(0, pool.size());
	}
}
