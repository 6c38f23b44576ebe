package io.github.imagetranslation.engine.infer;

import io.github.imagetranslation.engine.image.FloatImage;

/**
 * Pads an image into a larger canvas by mirroring it at its borders without repeating the edge pixel
 * ({@code c b | a b c d | c b}), repeatedly if the padding is wider than the image, so that the network sees
 * plausible content instead of a hard edge.
 */
public final class ReflectionPadding {

	private ReflectionPadding() {}

	/** {@code image} placed at ({@code top}, {@code left}) in a {@code height x width} canvas filled by reflection. */
	public static FloatImage pad(FloatImage image, int top, int left, int height, int width) {
		int h = image.height(), w = image.width();
		if (top < 0 || left < 0 || top + h > height || left + w > width)
			throw new IllegalArgumentException("Image " + w + "x" + h + " does not fit at " + left + "," + top + " in " + width + "x" + height);
		if (top == 0 && left == 0 && h == height && w == width) return image;
		int[] xs = new int[width];
		for (int x = 0; x < width; x++)
			xs[x] = reflect(x - left, w);
		float[] src = image.data();
		float[] out = new float[image.channels() * height * width];
		for (int c = 0; c < image.channels(); c++)
			for (int y = 0; y < height; y++) {
				int row = (c * h + reflect(y - top, h)) * w;
				int dst = (c * height + y) * width;
				for (int x = 0; x < width; x++)
					out[dst + x] = src[row + xs[x]];
			}
		return new FloatImage(image.channels(), height, width, out);
	}

	/** Index of {@code i} mirrored into {@code [0, n)} with period {@code 2 (n - 1)}. */
	static int reflect(int i, int n) {
		if (n == 1) return 0;
		int period = 2 * (n - 1);
		int r = Math.floorMod(i, period);
		return r < n ? r : period - r;
	}
}
