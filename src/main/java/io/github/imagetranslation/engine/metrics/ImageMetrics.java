package io.github.imagetranslation.engine.metrics;

import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.SampleType;

/**
 * Full-reference image-quality metrics comparing a translated {@code test} image with its {@code reference}
 * (ground truth), computed in double precision the way scikit-image computes them, so that numbers reported
 * in Fiji can be compared with those of Python tools. Both images must have the same channels, height and
 * width. NaN samples are not skipped: they make the result NaN.
 */
public final class ImageMetrics {

	/** Standard deviation of the SSIM Gaussian window (Wang et al. 2004). */
	public static final double SSIM_SIGMA = 1.5;
	/** The window is truncated at this many standard deviations, as in scikit-image: radius 5, an 11x11 window. */
	public static final double SSIM_TRUNCATE = 3.5;
	public static final double SSIM_K1 = 0.01;
	public static final double SSIM_K2 = 0.03;

	private static final int SSIM_RADIUS = (int) (SSIM_TRUNCATE * SSIM_SIGMA + 0.5);
	/** Side of the SSIM window: images must be at least this wide and high. */
	public static final int SSIM_WINDOW = 2 * SSIM_RADIUS + 1;
	private static final double[] SSIM_WEIGHTS = gaussianWeights(SSIM_SIGMA, SSIM_RADIUS);

	private ImageMetrics() {}

	/** Mean absolute error over all samples. */
	public static double mae(FloatImage reference, FloatImage test) {
		checkSameShape(reference, test);
		float[] r = reference.data();
		float[] t = test.data();
		double sum = 0;
		for (int i = 0; i < r.length; i++)
			sum += Math.abs((double) r[i] - t[i]);
		return sum / r.length;
	}

	/**
	 * Normalised root mean squared error as scikit-image's {@code normalized_root_mse} with its default
	 * 'euclidean' normalisation: {@code sqrt(sum((ref - test)^2)) / sqrt(sum(ref^2))}. It is 0 for identical
	 * images and +Infinity when the reference is all zeros but the test is not.
	 */
	public static double nrmse(FloatImage reference, FloatImage test) {
		checkSameShape(reference, test);
		float[] r = reference.data();
		float[] t = test.data();
		double errorSquares = 0;
		double referenceSquares = 0;
		for (int i = 0; i < r.length; i++) {
			double d = (double) r[i] - t[i];
			errorSquares += d * d;
			referenceSquares += (double) r[i] * r[i];
		}
		if (errorSquares == 0) return 0;
		return Math.sqrt(errorSquares) / Math.sqrt(referenceSquares);
	}

	/**
	 * Peak signal-to-noise ratio in decibels, {@code 10 * log10(dataRange^2 / MSE)}; +Infinity for identical
	 * images. See {@link #dataRange(SampleType, FloatImage)} for the usual {@code dataRange}.
	 */
	public static double psnr(FloatImage reference, FloatImage test, double dataRange) {
		checkSameShape(reference, test);
		checkDataRange(dataRange);
		float[] r = reference.data();
		float[] t = test.data();
		double sum = 0;
		for (int i = 0; i < r.length; i++) {
			double d = (double) r[i] - t[i];
			sum += d * d;
		}
		double mse = sum / r.length;
		if (mse == 0) return Double.POSITIVE_INFINITY;
		return 10 * Math.log10(dataRange * dataRange / mse);
	}

	/**
	 * Mean structural similarity (Wang et al. 2004) as scikit-image's {@code structural_similarity} with
	 * {@code gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=dataRange}: local means,
	 * variances and covariance under an 11x11 Gaussian window (sigma 1.5, truncated at 3.5 sigma),
	 * {@code C1 = (0.01 * dataRange)^2}, {@code C2 = (0.03 * dataRange)^2}, and the mean of the SSIM map without a
	 * 5-pixel border. For several channels it is the mean of the channels' SSIMs.
	 * <p>
	 * scikit-image filters the whole image with scipy's 'reflect' border mode and then crops the border; as the
	 * crop equals the window's radius, every value kept depends on samples inside the image only, so this
	 * computes the kept values alone and needs no border handling. Images must be at least 11x11 pixels.
	 */
	public static double ssim(FloatImage reference, FloatImage test, double dataRange) {
		checkSameShape(reference, test);
		checkDataRange(dataRange);
		if (reference.height() < SSIM_WINDOW || reference.width() < SSIM_WINDOW)
			throw new IllegalArgumentException("SSIM needs images of at least " + SSIM_WINDOW + "x" + SSIM_WINDOW
				+ " pixels (its Gaussian window), got " + reference.width() + "x" + reference.height() + "; compare larger images");
		double sum = 0;
		for (int c = 0; c < reference.channels(); c++)
			sum += channelSsim(reference, test, c, dataRange);
		return sum / reference.channels();
	}

	/**
	 * The usual {@code dataRange} for PSNR and SSIM: 255 for 8-bit and 65535 for 16-bit images (their type's
	 * range, as scikit-image uses), and for 32-bit float images the reference's maximum minus its minimum (NaN
	 * ignored), because float data has no intrinsic range (scikit-image would assume [-1, 1]). A float reference
	 * without spread (constant or all NaN) gives 1, so that the metrics stay defined.
	 */
	public static double dataRange(SampleType type, FloatImage reference) {
		switch (type) {
			case UINT8:
			case UINT16:
				return (double) type.max() - type.min();
			default:
				double min = Double.POSITIVE_INFINITY;
				double max = Double.NEGATIVE_INFINITY;
				for (float v : reference.data()) {
					if (v < min) min = v;
					if (v > max) max = v;
				}
				double range = max - min;
				return range > 0 && Double.isFinite(range) ? range : 1;
		}
	}

	/** PSNR, SSIM, NRMSE and MAE of {@code test} against {@code reference}. */
	public static MetricValues all(FloatImage reference, FloatImage test, double dataRange) {
		return new MetricValues(psnr(reference, test, dataRange), ssim(reference, test, dataRange),
			nrmse(reference, test), mae(reference, test));
	}

	/**
	 * Mean SSIM of one channel over the cropped map. Rows are filtered horizontally into a ring buffer of the
	 * last {@link #SSIM_WINDOW} rows, so memory stays a few rows wide however large the image.
	 */
	private static double channelSsim(FloatImage reference, FloatImage test, int channel, double dataRange) {
		int height = reference.height();
		int width = reference.width();
		int outWidth = width - 2 * SSIM_RADIUS;
		float[] x = reference.data();
		float[] y = test.data();
		int planeStart = channel * height * width;

		// Horizontally filtered x, y, x*x, y*y and x*y for the last SSIM_WINDOW rows, at the kept columns.
		double[][][] rows = new double[5][SSIM_WINDOW][outWidth];
		double c1 = SSIM_K1 * dataRange * SSIM_K1 * dataRange;
		double c2 = SSIM_K2 * dataRange * SSIM_K2 * dataRange;
		double sum = 0;
		for (int row = 0; row < height; row++) {
			int slot = row % SSIM_WINDOW;
			int rowStart = planeStart + row * width;
			for (int ox = 0; ox < outWidth; ox++) {
				double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
				for (int k = 0; k < SSIM_WINDOW; k++) {
					double w = SSIM_WEIGHTS[k];
					double a = x[rowStart + ox + k];
					double b = y[rowStart + ox + k];
					sx += w * a;
					sy += w * b;
					sxx += w * a * a;
					syy += w * b * b;
					sxy += w * a * b;
				}
				rows[0][slot][ox] = sx;
				rows[1][slot][ox] = sy;
				rows[2][slot][ox] = sxx;
				rows[3][slot][ox] = syy;
				rows[4][slot][ox] = sxy;
			}
			if (row < SSIM_WINDOW - 1) continue;
			// The window now holds rows [row - 2r, row], centred on row - r.
			for (int ox = 0; ox < outWidth; ox++) {
				double ux = 0, uy = 0, uxx = 0, uyy = 0, uxy = 0;
				for (int k = 0; k < SSIM_WINDOW; k++) {
					int s = (row - SSIM_WINDOW + 1 + k) % SSIM_WINDOW;
					double w = SSIM_WEIGHTS[k];
					ux += w * rows[0][s][ox];
					uy += w * rows[1][s][ox];
					uxx += w * rows[2][s][ox];
					uyy += w * rows[3][s][ox];
					uxy += w * rows[4][s][ox];
				}
				double vx = uxx - ux * ux;
				double vy = uyy - uy * uy;
				double vxy = uxy - ux * uy;
				sum += (2 * ux * uy + c1) * (2 * vxy + c2) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
			}
		}
		return sum / ((double) outWidth * (height - 2 * SSIM_RADIUS));
	}

	/** scipy.ndimage's Gaussian kernel: exp(-x^2 / (2 sigma^2)) for x in [-radius, radius], summing to 1. */
	private static double[] gaussianWeights(double sigma, int radius) {
		double[] weights = new double[2 * radius + 1];
		double total = 0;
		for (int i = -radius; i <= radius; i++) {
			weights[i + radius] = Math.exp(-0.5 / (sigma * sigma) * i * i);
			total += weights[i + radius];
		}
		for (int i = 0; i < weights.length; i++)
			weights[i] /= total;
		return weights;
	}

	private static void checkSameShape(FloatImage reference, FloatImage test) {
		if (!reference.sameShape(test))
			throw new IllegalArgumentException("Reference image is " + reference.shapeString() + " (CxHxW) but test image is "
				+ test.shapeString() + "; compare images of the same size and channel count");
	}

	private static void checkDataRange(double dataRange) {
		if (!(dataRange > 0) || Double.isInfinite(dataRange))
			throw new IllegalArgumentException("Data range must be a positive finite number, got " + dataRange
				+ "; use ImageMetrics.dataRange for the image's type");
	}
}
