package io.github.imagetranslation.engine.image;

/**
 * Resizes images with a separable triangle (bilinear) filter that widens when shrinking, so that downscaled
 * images are averaged rather than aliased (as antialiased bilinear resizing in common imaging libraries).
 */
public final class Resampling {

	private Resampling() {}

	/** {@code image} resized to {@code height x width}. */
	public static FloatImage resize(FloatImage image, int height, int width) {
		if (height < 1 || width < 1) throw new IllegalArgumentException("Target size must be positive, got " + width + "x" + height);
		if (height == image.height() && width == image.width()) return image.copy();
		FloatImage rows = resizeAxis(image, width, true);
		return resizeAxis(rows, height, false);
	}

	/** {@code image} scaled so that its shorter side is {@code side}, keeping its aspect ratio. */
	public static FloatImage resizeShorterSide(FloatImage image, int side) {
		int h = image.height(), w = image.width();
		if (h <= w) return resize(image, side, Math.max(1, (int) Math.round(w * (double) side / h)));
		return resize(image, Math.max(1, (int) Math.round(h * (double) side / w)), side);
	}

	private static FloatImage resizeAxis(FloatImage image, int size, boolean horizontal) {
		int c = image.channels(), h = image.height(), w = image.width();
		int inSize = horizontal ? w : h;
		if (size == inSize) return image;
		double scale = (double) inSize / size;
		double support = Math.max(1.0, scale);
		int[] first = new int[size];
		double[][] weights = new double[size][];
		for (int o = 0; o < size; o++) {
			double centre = (o + 0.5) * scale;
			int lo = (int) Math.floor(centre - support), hi = (int) Math.ceil(centre + support);
			lo = Math.max(lo, 0);
			hi = Math.min(hi, inSize);
			double[] wt = new double[hi - lo];
			double sum = 0;
			for (int i = lo; i < hi; i++) {
				double d = Math.abs((i + 0.5 - centre) / support);
				wt[i - lo] = Math.max(0, 1 - d);
				sum += wt[i - lo];
			}
			if (sum == 0) {
				int nearest = Math.min(inSize - 1, Math.max(0, (int) centre));
				lo = nearest;
				wt = new double[] { 1 };
				sum = 1;
			}
			for (int i = 0; i < wt.length; i++)
				wt[i] /= sum;
			first[o] = lo;
			weights[o] = wt;
		}
		int outH = horizontal ? h : size, outW = horizontal ? size : w;
		float[] src = image.data();
		float[] out = new float[c * outH * outW];
		for (int ch = 0; ch < c; ch++)
			for (int y = 0; y < outH; y++)
				for (int x = 0; x < outW; x++) {
					int o = horizontal ? x : y;
					double acc = 0;
					double[] wt = weights[o];
					for (int k = 0; k < wt.length; k++) {
						int i = first[o] + k;
						acc += wt[k] * (horizontal ? src[(ch * h + y) * w + i] : src[(ch * h + i) * w + x]);
					}
					out[(ch * outH + y) * outW + x] = (float) acc;
				}
		return new FloatImage(c, outH, outW, out);
	}
}
