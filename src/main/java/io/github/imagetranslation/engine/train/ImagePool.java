package io.github.imagetranslation.engine.train;

import java.util.ArrayList;
import java.util.List;

import io.github.imagetranslation.engine.random.SplitMix64;

/**
 * The history of generated images that CycleGAN's discriminators are trained on (Shrivastava et al.), as the
 * reference {@code ImagePool}: until it holds {@code capacity} images every new image is stored and used;
 * once full, with probability 1/2 a random stored image is used and replaced by the new one, otherwise the new
 * image is used. The decision is drawn before the new image exists, so the graph can be fed the stored image
 * and choose between it and the image it generates; {@link #commit} then stores the new image.
 */
public final class ImagePool {

	/** What to feed the discriminator for one image: the new image, or stored image {@code index}. */
	public static final class Choice {
		/** Index of the stored image to use instead of the new one, or -1 to use the new one. */
		public final int index;

		Choice(int index) {
			this.index = index;
		}

		public boolean useNew() {
			return index < 0;
		}
	}

	private final int capacity;
	private final List<float[]> images = new ArrayList<>();

	/** A pool of {@code capacity} images; 0 switches the pool off (the new image is always used). */
	public ImagePool(int capacity) {
		if (capacity < 0) throw new IllegalArgumentException("pool_size must not be negative, got " + capacity);
		this.capacity = capacity;
	}

	public int capacity() { return capacity; }

	/** Images stored so far. */
	public int size() { return images.size(); }

	/** Decides, for the next new image, whether the discriminator sees it or a stored one. */
	public Choice choose(SplitMix64 random) {
		if (capacity == 0 || images.size() < capacity) return new Choice(-1);
		if (random.nextDouble() > 0.5) return new Choice(random.nextInt(capacity));
		return new Choice(-1);
	}

	/** The stored image {@code choice} names (not a copy); only for a choice that does not use the new image. */
	public float[] stored(Choice choice) {
		return images.get(choice.index);
	}

	/** Records the new image after a {@link #choose} decision, as the reference pool does. */
	public void commit(Choice choice, float[] newImage) {
		if (capacity == 0) return;
		if (images.size() < capacity) images.add(newImage.clone());
		else if (!choice.useNew()) images.set(choice.index, newImage.clone());
	}

	/** The stored images in order, for a saved training state (not copies). */
	public List<float[]> images() {
		return new ArrayList<>(images);
	}

	/** Replaces the stored images (from a saved training state). */
	public void restore(List<float[]> saved) {
		if (saved.size() > capacity)
			throw new IllegalArgumentException("Saved pool holds " + saved.size() + " images but pool_size is " + capacity);
		images.clear();
		for (float[] f : saved) images.add(f.clone());
	}
}
