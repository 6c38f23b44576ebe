package io.github.imagetranslation.engine.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.SampleType;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ImageMetricsTest {

	// ref  0 1 2 / 3 4 5 / 6 7 8
	// test 1 1 2 / 3 6 5 / 6 7 5
	// differences -1, -2, +3 at three pixels, 0 elsewhere (n = 9).
	private static final FloatImage REF_3X3 = new FloatImage(1, 3, 3, new float[] { 0, 1, 2, 3, 4, 5, 6, 7, 8 });
	private static final FloatImage TEST_3X3 = new FloatImage(1, 3, 3, new float[] { 1, 1, 2, 3, 6, 5, 6, 7, 5 });

	// ---- MAE, NRMSE, PSNR ----

	@Test
	void maeOfThreeByThree() {
		// (1 + 2 + 3) / 9 = 2 / 3.
		assertEquals(2.0 / 3, ImageMetrics.mae(REF_3X3, TEST_3X3), 1e-15);
	}

	@Test
	void maeAveragesOverAllChannels() {
		FloatImage ref = new FloatImage(2, 1, 2, new float[] { 10, 20, 30, 40 });
		FloatImage test = new FloatImage(2, 1, 2, new float[] { 12, 18, 33, 40 });
		// |-2| + |2| + |-3| + 0 = 7 over 4 samples = 1.75.
		assertEquals(1.75, ImageMetrics.mae(ref, test), 1e-15);
	}

	@Test
	void nrmseOfThreeByThree() {
		// Squared errors 1 + 4 + 9 = 14; reference squares 0+1+4+9+16+25+36+49+64 = 204; sqrt(14) / sqrt(204).
		assertEquals(Math.sqrt(14.0 / 204), ImageMetrics.nrmse(REF_3X3, TEST_3X3), 1e-15);
	}

	@Test
	void nrmseOfZeroReference() {
		FloatImage zero = new FloatImage(1, 2, 2);
		assertEquals(0.0, ImageMetrics.nrmse(zero, zero.copy()));
		assertEquals(Double.POSITIVE_INFINITY, ImageMetrics.nrmse(zero, new FloatImage(1, 2, 2, new float[] { 0, 0, 0, 1 })));
	}

	@Test
	void psnrOfThreeByThree() {
		// MSE = 14 / 9; PSNR = 10 * log10(255^2 / (14 / 9)) = 10 * log10(585225 / 14) = 10 * log10(41801.785714...)
		// = 10 * 4.621194... = 46.21194... dB.
		assertEquals(10 * Math.log10(585225.0 / 14), ImageMetrics.psnr(REF_3X3, TEST_3X3, 255), 1e-12);
		assertEquals(46.21194, ImageMetrics.psnr(REF_3X3, TEST_3X3, 255), 1e-5);
	}

	@Test
	void psnrOfUnitErrors() {
		FloatImage ref = new FloatImage(1, 2, 2, new float[] { 10, 20, 30, 40 });
		FloatImage test = new FloatImage(1, 2, 2, new float[] { 11, 19, 31, 39 });
		// MSE = 1; 10 * log10(100^2 / 1) = 40 dB.
		assertEquals(40.0, ImageMetrics.psnr(ref, test, 100), 1e-12);
	}

	@Test
	void identicalImagesGiveInfinitePsnrAndZeroErrors() {
		assertEquals(Double.POSITIVE_INFINITY, ImageMetrics.psnr(REF_3X3, REF_3X3.copy(), 255));
		assertEquals(0.0, ImageMetrics.nrmse(REF_3X3, REF_3X3.copy()));
		assertEquals(0.0, ImageMetrics.mae(REF_3X3, REF_3X3.copy()));
	}

	@Test
	void differentShapesAreRejected() {
		FloatImage a = new FloatImage(1, 12, 12);
		FloatImage wider = new FloatImage(1, 12, 13);
		FloatImage twoChannels = new FloatImage(2, 12, 12);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageMetrics.mae(a, wider));
		assertTrue(e.getMessage().contains("1x12x12") && e.getMessage().contains("1x12x13"), e.getMessage());
		assertThrows(IllegalArgumentException.class, () -> ImageMetrics.nrmse(a, twoChannels));
		assertThrows(IllegalArgumentException.class, () -> ImageMetrics.psnr(a, wider, 255));
		assertThrows(IllegalArgumentException.class, () -> ImageMetrics.ssim(a, twoChannels, 255));
		assertThrows(IllegalArgumentException.class, () -> ImageMetrics.all(a, wider, 255));
	}

	@Test
	void invalidDataRangesAreRejected() {
		FloatImage a = new FloatImage(1, 11, 11);
		for (double range : new double[] { 0, -1, Double.NaN, Double.POSITIVE_INFINITY }) {
			assertThrows(IllegalArgumentException.class, () -> ImageMetrics.psnr(a, a, range), "range " + range);
			assertThrows(IllegalArgumentException.class, () -> ImageMetrics.ssim(a, a, range), "range " + range);
		}
	}

	// ---- SSIM ----

	@Test
	void ssimOfIdenticalImagesIsExactlyOne() {
		FloatImage image = randomImage(new Random(1), 2, 20, 23, 65535);
		assertEquals(1.0, ImageMetrics.ssim(image, image.copy(), 65535));
	}

	@Test
	void ssimOfConstantImagesHasAClosedForm() {
		// For constant images a and b every window has means a and b and zero (co)variances, so
		// SSIM = (2ab + C1)(0 + C2) / ((a^2 + b^2 + C1)(0 + 0 + C2)) = (2ab + C1) / (a^2 + b^2 + C1).
		// a = 100, b = 110, L = 255: C1 = (0.01 * 255)^2 = 6.5025;
		// (22000 + 6.5025) / (10000 + 12100 + 6.5025) = 1 - 100 / 22106.5025 = 0.99547644...
		FloatImage a = constant(100, 15, 12);
		FloatImage b = constant(110, 15, 12);
		assertEquals(22006.5025 / 22106.5025, ImageMetrics.ssim(a, b, 255), 1e-12);
		assertEquals(0.99547644, ImageMetrics.ssim(a, b, 255), 1e-8);
	}

	@Test
	void ssimMatchesScikitImage() {
		// Reference values from scikit-image 0.26.0 (numpy 2.4.6, scipy 1.17.1), computed once offline with
		// float64 copies of the images built by scikitPair():
		//   structural_similarity(ref, test, channel_axis=0, gaussian_weights=True, sigma=1.5,
		//                         use_sample_covariance=False, data_range=255)  -> 0.6370317540379635
		//   the same on channel 0 alone -> 0.6886599221806294, on channel 1 alone -> 0.5854035858952977
		FloatImage[] pair = scikitPair();
		assertEquals(0.6370317540379635, ImageMetrics.ssim(pair[0], pair[1], 255), 1e-12);
		assertEquals(0.6886599221806294, ImageMetrics.ssim(channel(pair[0], 0), channel(pair[1], 0), 255), 1e-12);
		assertEquals(0.5854035858952977, ImageMetrics.ssim(channel(pair[0], 1), channel(pair[1], 1), 255), 1e-12);
	}

	@Test
	void ssimMatchesBruteForceOnRandomImages() {
		Random random = new Random(2024);
		int[][] shapes = { { 1, 11, 11 }, { 1, 13, 16 }, { 3, 17, 12 } };
		for (int[] shape : shapes) {
			FloatImage ref = randomImage(random, shape[0], shape[1], shape[2], 65535);
			FloatImage test = randomImage(random, shape[0], shape[1], shape[2], 65535);
			for (int i = 0; i < ref.data().length; i++)
				test.data()[i] = 0.6f * ref.data()[i] + 0.4f * test.data()[i];
			double expected = bruteForceSsim(ref, test, 65535);
			assertEquals(expected, ImageMetrics.ssim(ref, test, 65535), 1e-12, Arrays.toString(shape));
		}
	}

	@Test
	void ssimIsSymmetric() {
		FloatImage[] pair = scikitPair();
		assertEquals(ImageMetrics.ssim(pair[0], pair[1], 255), ImageMetrics.ssim(pair[1], pair[0], 255), 1e-14);
	}

	@Test
	void ssimNeedsElevenByElevenPixels() {
		FloatImage narrow = new FloatImage(1, 20, 10);
		FloatImage low = new FloatImage(2, 10, 20);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageMetrics.ssim(narrow, narrow, 255));
		assertTrue(e.getMessage().contains("11x11"), e.getMessage());
		assertThrows(IllegalArgumentException.class, () -> ImageMetrics.ssim(low, low, 255));
		assertEquals(1.0, ImageMetrics.ssim(new FloatImage(1, 11, 11), new FloatImage(1, 11, 11), 255));
	}

	// ---- data range and all metrics ----

	@Test
	void dataRangeFollowsTheSampleType() {
		FloatImage image = new FloatImage(1, 1, 4, new float[] { -3, 12.5f, Float.NaN, 7 });
		assertEquals(255.0, ImageMetrics.dataRange(SampleType.UINT8, image));
		assertEquals(65535.0, ImageMetrics.dataRange(SampleType.UINT16, image));
		// Float: max - min of the reference, NaN ignored: 12.5 - (-3) = 15.5.
		assertEquals(15.5, ImageMetrics.dataRange(SampleType.FLOAT32, image));
	}

	@Test
	void dataRangeOfAConstantFloatImageIsOne() {
		assertEquals(1.0, ImageMetrics.dataRange(SampleType.FLOAT32, constant(0.25f, 3, 3)));
		assertEquals(1.0, ImageMetrics.dataRange(SampleType.FLOAT32, new FloatImage(1, 1, 1, new float[] { Float.NaN })));
	}

	@Test
	void allMatchesScikitImage() {
		// scikit-image 0.26.0 on the float64 images of scikitPair(), computed once offline:
		//   peak_signal_noise_ratio(ref, test, data_range=255) -> 13.846394475729216
		//   normalized_root_mse(ref, test)                      -> 0.3519346686450444
		//   np.mean(np.abs(ref - test))                          -> 41.890756302521005
		FloatImage[] pair = scikitPair();
		MetricValues values = ImageMetrics.all(pair[0], pair[1], 255);
		assertEquals(13.846394475729216, values.psnr(), 1e-12);
		assertEquals(0.6370317540379635, values.ssim(), 1e-12);
		assertEquals(0.3519346686450444, values.nrmse(), 1e-14);
		assertEquals(41.890756302521005, values.mae(), 1e-12);
	}

	@Test
	void meanOfMetricValues() {
		MetricValues a = new MetricValues(30, 0.9, 0.1, 4);
		MetricValues b = new MetricValues(20, 0.7, 0.3, 8);
		// (30 + 20) / 2 = 25, (0.9 + 0.7) / 2 = 0.8, (0.1 + 0.3) / 2 = 0.2, (4 + 8) / 2 = 6.
		MetricValues mean = MetricValues.mean(Arrays.asList(a, b));
		assertEquals(25, mean.psnr(), 1e-12);
		assertEquals(0.8, mean.ssim(), 1e-12);
		assertEquals(0.2, mean.nrmse(), 1e-12);
		assertEquals(6, mean.mae(), 1e-12);
		MetricValues withIdentical = MetricValues.mean(Arrays.asList(a, new MetricValues(Double.POSITIVE_INFINITY, 1, 0, 0)));
		assertEquals(Double.POSITIVE_INFINITY, withIdentical.psnr());
		assertThrows(IllegalArgumentException.class, () -> MetricValues.mean(Arrays.asList()));
	}

	// ---- helpers ----

	/**
	 * The images used for the scikit-image reference values, 2 channels x 14 rows x 17 columns:
	 * ref = (37x + 91y + 53c) mod 256 and test = 0.5 * ref + 2 * ((5x^2 + 3y^2 + xy + 11c) mod 61).
	 */
	private static FloatImage[] scikitPair() {
		FloatImage ref = new FloatImage(2, 14, 17);
		FloatImage test = new FloatImage(2, 14, 17);
		for (int c = 0; c < 2; c++)
			for (int y = 0; y < 14; y++)
				for (int x = 0; x < 17; x++) {
					int r = (x * 37 + y * 91 + c * 53) % 256;
					ref.set(c, y, x, r);
					test.set(c, y, x, 0.5f * r + ((x * x * 5 + y * y * 3 + x * y + c * 11) % 61) * 2);
				}
		return new FloatImage[] { ref, test };
	}

	private static FloatImage randomImage(Random random, int channels, int height, int width, double max) {
		FloatImage image = new FloatImage(channels, height, width);
		for (int i = 0; i < image.data().length; i++)
			image.data()[i] = (float) Math.floor(random.nextDouble() * (max + 1));
		return image;
	}

	private static FloatImage constant(float value, int height, int width) {
		FloatImage image = new FloatImage(1, height, width);
		Arrays.fill(image.data(), value);
		return image;
	}

	private static FloatImage channel(FloatImage image, int c) {
		FloatImage out = new FloatImage(1, image.height(), image.width());
		for (int y = 0; y < image.height(); y++)
			for (int x = 0; x < image.width(); x++)
				out.set(0, y, x, image.get(c, y, x));
		return out;
	}

	/**
	 * SSIM written out directly: for every pixel of the full image, weighted sums over the 11x11 window of 2-D
	 * Gaussian weights with scipy 'reflect' indexing (d c b a | a b c d | d c b a); then the mean of the map
	 * without a 5-pixel border, averaged over channels.
	 */
	private static double bruteForceSsim(FloatImage ref, FloatImage test, double range) {
		int r = 5;
		double[][] w = new double[2 * r + 1][2 * r + 1];
		double total = 0;
		for (int i = -r; i <= r; i++)
			for (int j = -r; j <= r; j++) {
				w[i + r][j + r] = Math.exp(-(i * i + j * j) / (2 * 1.5 * 1.5));
				total += w[i + r][j + r];
			}
		double c1 = Math.pow(0.01 * range, 2);
		double c2 = Math.pow(0.03 * range, 2);
		int h = ref.height();
		int wd = ref.width();
		double channelSum = 0;
		for (int c = 0; c < ref.channels(); c++) {
			double[][] map = new double[h][wd];
			for (int y = 0; y < h; y++)
				for (int x = 0; x < wd; x++) {
					double mx = 0, my = 0, mxx = 0, myy = 0, mxy = 0;
					for (int i = -r; i <= r; i++)
						for (int j = -r; j <= r; j++) {
							double weight = w[i + r][j + r] / total;
							double a = ref.get(c, reflect(y + i, h), reflect(x + j, wd));
							double b = test.get(c, reflect(y + i, h), reflect(x + j, wd));
							mx += weight * a;
							my += weight * b;
							mxx += weight * a * a;
							myy += weight * b * b;
							mxy += weight * a * b;
						}
					double vx = mxx - mx * mx;
					double vy = myy - my * my;
					double cov = mxy - mx * my;
					map[y][x] = (2 * mx * my + c1) * (2 * cov + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
				}
			double sum = 0;
			int count = 0;
			for (int y = r; y < h - r; y++)
				for (int x = r; x < wd - r; x++) {
					sum += map[y][x];
					count++;
				}
			channelSum += sum / count;
		}
		return channelSum / ref.channels();
	}

	/** scipy.ndimage 'reflect': the edge sample is repeated, with period 2n. */
	private static int reflect(int i, int n) {
		int period = 2 * n;
		int m = ((i % period) + period) % period;
		return m < n ? m : period - 1 - m;
	}
}
