package io.github.imagetranslation.engine.image;

import java.util.Arrays;

/**
 * A 2-D image of one or more channels held as 32-bit floats in channel-major order (channel, row, column).
 * This is the engine's exchange type: loaders, normalisation, datasets and translators all speak it, so the
 * engine never depends on how an image was read or where it will be shown. Samples keep their original
 * range (0-65535 for a 16-bit image), which float32 represents exactly for 8- and 16-bit data.
 */
public final class FloatImage {

	private final int channels;
	private final int height;
	private final int width;
	private final float[] data;

	/** Wraps {@code data} (not copied), laid out as {@code data[(c * height + y) * width + x]}. */
	public FloatImage(int channels, int height, int width, float[] data) {
		if (channels < 1 || height < 1 || width < 1)
			throw new IllegalArgumentException("Image dimensions must be positive, got " + channels + "x" + height + "x" + width);
		if (data.length != (long) channels * height * width)
			throw new IllegalArgumentException("Data length " + data.length + " does not match " + channels + "x" + height + "x" + width);
		this.channels = channels;
		this.height = height;
		this.width = width;
		this.data = data;
	}

	/** A zero-filled image. */
	public FloatImage(int channels, int height, int width) {
		this(channels, height, width, new float[Math.multiplyExact(Math.multiplyExact(channels, height), width)]);
	}

	public int channels() { return channels; }
	public int height() { return height; }
	public int width() { return width; }

	/** Number of samples in one channel plane. */
	public int planeSize() { return height * width; }

	/** The backing array (not a copy). */
	public float[] data() { return data; }

	public float get(int c, int y, int x) { return data[(c * height + y) * width + x]; }

	public void set(int c, int y, int x, float v) { data[(c * height + y) * width + x] = v; }

	/** A copy of the rectangle {@code [x, x + w) x [y, y + h)}, which must lie inside the image. */
	public FloatImage crop(int x, int y, int w, int h) {
		if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > width || y + h > height)
			throw new IllegalArgumentException("Crop " + w + "x" + h + "+" + x + "+" + y + " is outside the " + width + "x" + height + " image");
		float[] out = new float[channels * w * h];
		for (int c = 0; c < channels; c++)
			for (int row = 0; row < h; row++)
				System.arraycopy(data, (c * height + y + row) * width + x, out, (c * h + row) * w, w);
		return new FloatImage(channels, h, w, out);
	}

	/** A copy mirrored left to right. */
	public FloatImage flipHorizontal() {
		float[] out = new float[data.length];
		for (int c = 0; c < channels; c++)
			for (int y = 0; y < height; y++) {
				int row = (c * height + y) * width;
				for (int x = 0; x < width; x++)
					out[row + x] = data[row + width - 1 - x];
			}
		return new FloatImage(channels, height, width, out);
	}

	/** A one-channel image repeated into {@code n} channels (grey shown or trained as colour); this image if it has n. */
	public FloatImage repeatChannels(int n) {
		if (channels == n) return this;
		if (channels != 1) throw new IllegalArgumentException("Only a 1-channel image can be repeated into " + n + " channels, not a " + channels + "-channel one");
		float[] out = new float[n * data.length];
		for (int c = 0; c < n; c++)
			System.arraycopy(data, 0, out, c * data.length, data.length);
		return new FloatImage(n, height, width, out);
	}

	/** A deep copy. */
	public FloatImage copy() {
		return new FloatImage(channels, height, width, data.clone());
	}

	/** True when both images have the same channel count, height and width. */
	public boolean sameShape(FloatImage other) {
		return channels == other.channels && height == other.height && width == other.width;
	}

	/** "CxHxW" for messages. */
	public String shapeString() {
		return channels + "x" + height + "x" + width;
	}

	@Override
	public boolean equals(Object o) {
		if (!(o instanceof FloatImage)) return false;
		FloatImage other = (FloatImage) o;
		return sameShape(other) && Arrays.equals(data, other.data);
	}

	@Override
	public int hashCode() {
		return 31 * (31 * (31 * channels + height) + width) + Arrays.hashCode(data);
	}

	@Override
	public String toString() {
		return "FloatImage[" + shapeString() + "]";
	}
}
