package io.github.imagetranslation.engine.data;

import java.util.List;

import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.random.SplitMix64;

/**
 * Visits a list of images in a shuffled order once per epoch, each image as many times as non-overlapping
 * patches fit in it (so one large image yields many samples and small images one each), and cuts a random
 * patch, optionally mirrored, from the visited image. Its position in the epoch is part of a saved training
 * state, so a resumed run sees the same sequence of samples as an uninterrupted one.
 */
public final class PatchSampler {

	private final int[] visitsPerImage;
	private final int epochLength;
	private int[] order;
	private int position;
	private long epochSeed;

	/** Visits {@code sizes.size()} images whose planes are {@code sizes[i] = {height, width}}. */
	public PatchSampler(List<int[]> sizes, int patchSize) {
		if (sizes.isEmpty()) throw new IllegalArgumentException("No images to train on");
		visitsPerImage = new int[sizes.size()];
		int total = 0;
		for (int i = 0; i < sizes.size(); i++) {
			int[] hw = sizes.get(i);
			visitsPerImage[i] = Math.max(1, (hw[0] / patchSize) * (hw[1] / patchSize));
			total = Math.addExact(total, visitsPerImage[i]);
		}
		epochLength = total;
	}

	/** Samples in one epoch. */
	public int epochLength() { return epochLength; }

	/** Index of the next image to visit, starting a new shuffled epoch from {@code random} when needed. */
	public int next(SplitMix64 random) {
		if (order == null || position >= order.length) startEpoch(random.nextLong());
		return order[position++];
	}

	private void startEpoch(long seed) {
		epochSeed = seed;
		order = shuffledOrder(seed);
		position = 0;
	}

	private int[] shuffledOrder(long seed) {
		int[] o = new int[epochLength];
		int k = 0;
		for (int i = 0; i < visitsPerImage.length; i++)
			for (int v = 0; v < visitsPerImage[i]; v++)
				o[k++] = i;
		SplitMix64 r = new SplitMix64(seed);
		for (int i = o.length - 1; i > 0; i--) {
			int j = r.nextInt(i + 1);
			int t = o[i];
			o[i] = o[j];
			o[j] = t;
		}
		return o;
	}

	/** {epoch seed, position}, or null before the first sample. */
	public long[] state() {
		return order == null ? null : new long[] { epochSeed, position };
	}

	/** Restores a position saved by {@link #state()}. */
	public void restore(long[] state) {
		if (state == null) {
			order = null;
			return;
		}
		epochSeed = state[0];
		order = shuffledOrder(epochSeed);
		position = (int) state[1];
	}

	/** Top-left corner {y, x} of a random {@code patch x patch} window in an image of {@code height x width}. */
	public static int[] randomCorner(SplitMix64 random, int height, int width, int patch) {
		return new int[] { random.nextInt(height - patch + 1), random.nextInt(width - patch + 1) };
	}

	/** Copies {@code image}'s patch at {@code corner} into {@code dest} from {@code offset}, mirrored if asked. */
	public static void copyPatch(FloatImage image, int[] corner, int patch, boolean mirror, float[] dest, int offset) {
		float[] src = image.data();
		int h = image.height(), w = image.width();
		for (int c = 0; c < image.channels(); c++)
			for (int y = 0; y < patch; y++) {
				int from = (c * h + corner[0] + y) * w + corner[1];
				int to = offset + (c * patch + y) * patch;
				if (!mirror) System.arraycopy(src, from, dest, to, patch);
				else
					for (int x = 0; x < patch; x++)
						dest[to + x] = src[from + patch - 1 - x];
			}
	}
}
