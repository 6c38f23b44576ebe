package io.github.imagetranslation.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** oneDNN's layers against ND4J's operations and the textbook formulas, in plain and blocked layouts. */
class OneDnnPrimitivesTest {

	@BeforeAll
	static void prepare() {
		NativeRuntime.prepare();
		Nd4j.getRandom().setSeed(7);
		assumeTrue(OneDnnPrimitives.available(), "oneDNN's library is not bundled for this platform");
	}

	@Test
	void oneDnnLoadsOnThisPlatform() {
		// the build bundles oneDNN for Linux x86-64, where the tests run; elsewhere ND4J's operations are used
		if (System.getProperty("os.name").toLowerCase().contains("linux") && System.getProperty("os.arch").contains("64"))
			assertTrue(OneDnnPrimitives.available());
	}

	@Test
	void normalisationWithFedStatisticsScaleAndShiftFollowsTheFormula() {
		OneDnnPrimitives primitives = new OneDnnPrimitives();
		INDArray x = Nd4j.rand(DataType.FLOAT, 1, 3, 4, 5).muli(4).subi(1);
		float[] mean = { 0.5f, -1, 2 }, variance = { 4, 0.25f, 1 };
		INDArray gain = Nd4j.create(new float[] { 2, 1, -1 }), shift = Nd4j.create(new float[] { 0, 3, 0.5f });
		INDArray y = primitives.normalize("n", x, null, new float[][] { mean, variance }, gain, shift, false).data;
		for (int c = 0; c < 3; c++)
			for (int i = 0; i < 4; i++)
				for (int j = 0; j < 5; j++) {
					double expected = (x.getDouble(0, c, i, j) - mean[c]) / Math.sqrt(variance[c] + SameDiffLayers.NORM_EPSILON)
							* gain.getDouble(c) + shift.getDouble(c);
					assertEquals(expected, y.getDouble(0, c, i, j), 1e-4, "channel " + c);
				}
	}

	@Test
	void normalisationWithOwnStatisticsStandardisesEachChannel() {
		OneDnnPrimitives primitives = new OneDnnPrimitives();
		INDArray x = Nd4j.rand(DataType.FLOAT, 1, 20, 6, 7).muli(3).addi(2);
		INDArray copy = x.dup();
		INDArray y = primitives.normalize("n", x, null, null, null, null, true).data;
		INDArray mean = copy.mean(0, 2, 3), sd = Nd4j.math().sqrt(copy.var(false, 0, 2, 3).addi(SameDiffLayers.NORM_EPSILON));
		assertTrue(y == x, "in place");
		for (int c = 0; c < 20; c++)
			for (int i = 0; i < 6; i++)
				assertEquals((copy.getDouble(0, c, i, 3) - mean.getDouble(c)) / sd.getDouble(c), y.getDouble(0, c, i, 3), 1e-4);
	}

	/** {@code x} through a 1x1 convolution that copies it: the same values, in the layout oneDNN chose. */
	private static OneDnnPrimitives.Laid blocked(OneDnnPrimitives primitives, INDArray x) {
		int c = (int) x.size(1);
		INDArray identity = Nd4j.eye(c).castTo(DataType.FLOAT).reshape(1, 1, c, c);
		return primitives.conv2d("copy", x, null, identity, null, 1, 1, 0);
	}

	@Test
	void normalisationInOneDnnLayoutsEqualsThePlainOne() {
		for (int channels : new int[] { 3, 20, 64 }) {
			OneDnnPrimitives primitives = new OneDnnPrimitives();
			INDArray x = Nd4j.rand(DataType.FLOAT, 1, channels, 9, 8).muli(3).subi(1);
			float[] mean = new float[channels], variance = new float[channels];
			for (int c = 0; c < channels; c++) {
				mean[c] = c * 0.1f;
				variance[c] = 1 + c;
			}
			INDArray gain = Nd4j.rand(DataType.FLOAT, channels), shift = Nd4j.rand(DataType.FLOAT, channels);
			for (float[][] statistics : new float[][][] { null, { mean, variance } })
				for (boolean scaled : new boolean[] { false, true }) {
					OneDnnPrimitives.Laid laid = blocked(primitives, x);
					assertNotNull(laid.layout, "a blocked layout for " + channels + " channels");
					INDArray copy = primitives.plain(laid.data, laid.layout);
					assertEquals(0, copy.sub(x).amaxNumber().doubleValue(), 1e-6, "the copy");
					INDArray expected = primitives.normalize("p" + scaled, copy, null, statistics, scaled ? gain : null, scaled ? shift : null, false).data;
					OneDnnPrimitives.Laid y = primitives.normalize("b" + scaled, laid.data, laid.layout, statistics, scaled ? gain : null,
							scaled ? shift : null, true);
					INDArray actual = primitives.plain(y.data, y.layout);
					assertEquals(0, actual.sub(expected).amaxNumber().doubleValue(), 1e-4,
							channels + " channels, statistics " + (statistics != null) + ", scaled " + scaled);
				}
		}
	}

	private static INDArray nd4j(String op, INDArray x, INDArray w, INDArray b, int... arguments) {
		DynamicCustomOp.DynamicCustomOpsBuilder builder = DynamicCustomOp.builder(op).addInputs(b == null ? new INDArray[] { x, w } : new INDArray[] { x, w, b });
		return Nd4j.exec(builder.addIntegerArguments(arguments).build())[0];
	}

	@Test
	void convolutionsEqualNd4jsInEveryLayout() {
		// in, out, kernel, stride, padding, plane
		int[][] cases = { { 1, 4, 7, 1, 0, 30 }, { 3, 8, 7, 1, 0, 22 }, { 4, 8, 3, 2, 1, 16 }, { 20, 3, 7, 1, 0, 14 }, { 16, 16, 3, 1, 0, 10 },
				{ 2, 5, 4, 2, 1, 8 } };
		for (int[] c : cases)
			for (boolean bias : new boolean[] { false, true }) {
				OneDnnPrimitives primitives = new OneDnnPrimitives();
				INDArray x = Nd4j.rand(DataType.FLOAT, 1, c[0], c[5], c[5] + 3).subi(0.5);
				INDArray w = Nd4j.rand(DataType.FLOAT, c[2], c[2], c[0], c[1]).subi(0.5), b = bias ? Nd4j.rand(DataType.FLOAT, c[1]) : null;
				INDArray expected = nd4j("conv2d", x, w, b, c[2], c[2], c[3], c[3], c[4], c[4], 1, 1, 0, 0, 0);
				String what = Arrays.toString(c) + (bias ? " with bias" : "");
				OneDnnPrimitives.Laid y = primitives.conv2d("c", x, null, w, b, c[2], c[3], c[4]);
				assertClose(expected, y, primitives, what);
				OneDnnPrimitives.Laid again = primitives.conv2d("c", y.data, y.layout, identity(c[1]), null, 1, 1, 0);
				assertClose(expected, again, primitives, what + ", then from its own layout");
			}
	}

	@Test
	void transposedConvolutionsEqualNd4js() {
		for (int k : new int[] { 3, 4 })
			for (int[] c : new int[][] { { 1, 4, 5 }, { 8, 16, 6 }, { 20, 3, 4 } }) {
				OneDnnPrimitives primitives = new OneDnnPrimitives();
				INDArray x = Nd4j.rand(DataType.FLOAT, 1, c[0], c[2], c[2] + 1).subi(0.5);
				INDArray w = Nd4j.rand(DataType.FLOAT, k, k, c[1], c[0]).subi(0.5), b = Nd4j.rand(DataType.FLOAT, c[1]);
				INDArray full = nd4j("deconv2d", x, w, b, k, k, 2, 2, k == 4 ? 1 : 0, k == 4 ? 1 : 0, 1, 1, 0, 0);
				// kernel 3: the full result without its last row and column
				INDArray expected = full.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 2 * c[2]),
						NDArrayIndex.interval(0, 2 * c[2] + 2)).dup();
				assertClose(expected, primitives.upsample2x("d", x, null, w, b, k), primitives, "kernel " + k + " " + Arrays.toString(c));
			}
	}

	private static INDArray identity(int channels) {
		return Nd4j.eye(channels).castTo(DataType.FLOAT).reshape(1, 1, channels, channels);
	}

	private static void assertClose(INDArray expected, OneDnnPrimitives.Laid actual, OneDnnPrimitives primitives, String what) {
		INDArray plain = actual.layout == null ? actual.data : primitives.plain(actual.data, actual.layout);
		assertArrayEquals(expected.shape(), plain.shape(), what);
		assertEquals(0, plain.sub(expected).amaxNumber().doubleValue(), 1e-4, what);
	}

	/** Index {@code i} of a padded axis mapped to the unpadded one by reflection (the edge not repeated). */
	private static int reflected(int i, int pad, int size) {
		int j = i - pad;
		return j < 0 ? -j : j >= size ? 2 * (size - 1) - j : j;
	}

	@Test
	void reflectionPaddingMirrorsTheBordersInThePlainAndTheBlockedLayout() {
		for (int pad : new int[] { 1, 3 })
			for (int channels : new int[] { 3, 32 }) {
			OneDnnPrimitives primitives = new OneDnnPrimitives();
			int h = 5, w = 7;
			INDArray x = Nd4j.rand(DataType.FLOAT, 1, channels, h, w);
			OneDnnPrimitives.Laid laid = channels == 3 ? new OneDnnPrimitives.Laid(x, null) : blocked(primitives, x);
			if (channels == 32) assertTrue(laid.layout.blocked, "32 channels are kept blocked");
			OneDnnPrimitives.Laid padded = primitives.reflect(laid.data, laid.layout, pad);
			assertEquals(laid.layout == null, padded.layout == null, "the layout is kept");
			INDArray y = padded.layout == null ? padded.data : primitives.plain(padded.data, padded.layout);
			assertArrayEquals(new long[] { 1, channels, h + 2 * pad, w + 2 * pad }, y.shape());
			for (int c : channels == 3 ? new int[] { 0, 2 } : new int[] { 0, 17, 31 })
				for (int i = 0; i < h + 2 * pad; i++)
					for (int j = 0; j < w + 2 * pad; j++)
						assertEquals(x.getFloat(0, c, reflected(i, pad, h), reflected(j, pad, w)), y.getFloat(0, c, i, j),
								"pad " + pad + " channel " + c + " at " + i + "," + j);
		}
	}

	@Test
	void trainingPaddingOfOneAxisMirrorsItsBordersAndItsGradientAddsThemBack() {
		OneDnnPrimitives primitives = new OneDnnPrimitives();
		int n = 2, channels = 3, h = 5, w = 6;
		for (int pad : new int[] { 1, 3 })
			for (int axis : new int[] { 2, 3 }) {
				String what = "axis " + axis + " pad " + pad;
				INDArray x = Nd4j.rand(DataType.FLOAT, n, channels, h, w);
				long[] padded = { n, channels, h + (axis == 2 ? 2 * pad : 0), w + (axis == 3 ? 2 * pad : 0) };
				INDArray y = Nd4j.create(DataType.FLOAT, padded);
				primitives.trainingReflect(x, y, axis, pad);
				INDArray g = Nd4j.rand(DataType.FLOAT, padded).subi(0.5);
				INDArray gradX = Nd4j.valueArrayOf(x.shape(), 99f, DataType.FLOAT); // overwritten, not added to
				primitives.trainingReflectBackward(g, gradX, axis, pad);
				double[][][][] expectedGradient = new double[n][channels][h][w];
				for (int s = 0; s < n; s++)
					for (int c = 0; c < channels; c++)
						for (int i = 0; i < padded[2]; i++)
							for (int j = 0; j < padded[3]; j++) {
								int fromI = axis == 2 ? reflected(i, pad, h) : i, fromJ = axis == 3 ? reflected(j, pad, w) : j;
								assertEquals(x.getFloat(s, c, fromI, fromJ), y.getFloat(s, c, i, j), what + " at " + s + "," + c + "," + i + "," + j);
								expectedGradient[s][c][fromI][fromJ] += g.getDouble(s, c, i, j);
							}
				for (int s = 0; s < n; s++)
					for (int c = 0; c < channels; c++)
						for (int i = 0; i < h; i++)
							for (int j = 0; j < w; j++)
								assertEquals(expectedGradient[s][c][i][j], gradX.getDouble(s, c, i, j), 1e-5,
										what + " gradient at " + s + "," + c + "," + i + "," + j);
			}
	}

	@Test
	void elementWiseFunctionsFollowTheirFormulas() {
		OneDnnPrimitives primitives = new OneDnnPrimitives();
		INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 4, 5).subi(0.5).muli(6);
		INDArray copy = x.dup();
		INDArray relu = primitives.elementWise(OneDnnPrimitives.Function.RELU, x, 0, false);
		INDArray leaky = primitives.elementWise(OneDnnPrimitives.Function.LEAKY_RELU, x, 0.2, false);
		INDArray tanh = primitives.elementWise(OneDnnPrimitives.Function.TANH, x, 0, false);
		assertEquals(0, x.sub(copy).amaxNumber().doubleValue(), "the input is kept unless in place");
		for (long i = 0; i < x.length(); i++) {
			double v = copy.getDouble(i);
			assertEquals(Math.max(0, v), relu.getDouble(i), 1e-6);
			assertEquals(v > 0 ? v : 0.2 * v, leaky.getDouble(i), 1e-6);
			assertEquals(Math.tanh(v), tanh.getDouble(i), 1e-5);
		}
		assertTrue(primitives.elementWise(OneDnnPrimitives.Function.RELU, x, 0, true) == x, "in place");
		assertEquals(0, x.sub(relu).amaxNumber().doubleValue());
	}

	@Test
	void blockedConcatenationPutsTheChannelsSideBySide() {
		OneDnnPrimitives primitives = new OneDnnPrimitives();
		INDArray a = Nd4j.rand(DataType.FLOAT, 1, 32, 3, 5), b = Nd4j.rand(DataType.FLOAT, 1, 16, 3, 5);
		OneDnnPrimitives.Laid la = blocked(primitives, a), lb = blocked(primitives, b);
		OneDnnPrimitives.Laid joined = OneDnnPrimitives.concatBlocked(la.data, la.layout, lb.data, lb.layout);
		assertEquals(0, primitives.plain(joined.data, joined.layout).sub(Nd4j.concat(1, a, b)).amaxNumber().doubleValue());
	}

	@Test
	void twoThreadsRunTheirOwnPrimitivesAtOnce() throws Exception {
		INDArray x = Nd4j.rand(DataType.FLOAT, 1, 16, 20, 20), w = Nd4j.rand(DataType.FLOAT, 3, 3, 16, 32).subi(0.5);
		INDArray expected = nd4j("conv2d", x, w, null, 3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0);
		double[] worst = { Double.NaN, Double.NaN };
		Thread[] threads = new Thread[2];
		for (int t = 0; t < 2; t++) {
			int index = t;
			threads[t] = new Thread(() -> {
				OneDnnPrimitives primitives = new OneDnnPrimitives();
				double largest = 0;
				for (int i = 0; i < 30; i++) {
					OneDnnPrimitives.Laid y = primitives.conv2d("c", x, null, w, null, 3, 1, 1);
					INDArray plain = primitives.plain(y.data, y.layout);
					largest = Math.max(largest, plain.sub(expected).amaxNumber().doubleValue());
				}
				worst[index] = largest;
			});
			threads[t].start();
		}
		for (Thread thread : threads)
			thread.join();
		// NaN where a thread failed
		assertEquals(0, worst[0], 1e-4, "first thread");
		assertEquals(0, worst[1], 1e-4, "second thread");
	}
}
