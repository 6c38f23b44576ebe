package io.github.imagetranslation.engine.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

import org.junit.jupiter.api.Test;

import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.infer.TilingOptions.LayerStatistics;
import io.github.imagetranslation.engine.model.TranslationModel;
import io.github.imagetranslation.engine.nn.NormType;
import io.github.imagetranslation.engine.norm.IntensityRange;

/**
 * Tiled translation against the untiled {@link Translator} on a real 256x256 fluorescence image, with tiny
 * random-weight generators: equal up to a small tolerance, free of seams, in the target's 16-bit range, and
 * robust to running out of memory and to cancellation.
 */
class TiledTranslatorTest {

	private static final IntensityRange SIXTEEN_BIT = IntensityRange.of(0, 65535, true);

	private static TranslationModel resnet() {
		return TestModels.model("resnet_2blocks", 8, NormType.INSTANCE, SIXTEEN_BIT, 11);
	}

	private static TranslationModel unet() {
		return TestModels.model("unet_32", 8, NormType.BATCH, SIXTEEN_BIT, 12);
	}

	/** The real image, normalised once for the whole image as both translators do. */
	private static FloatImage normalizedFluo(Translator untiled) {
		FloatImage image = TestModels.image(TestModels.FLUO16_256);
		return untiled.inputRange(image).normalize(image);
	}

	/** The middle 128x128 of the real image: 3x3 tiles of 64 for the tests of the machinery. */
	private static FloatImage smallFluo() {
		return TestModels.image(TestModels.FLUO16_256).crop(64, 64, 128, 128);
	}

	private static String describe(String what, double[] d) {
		return String.format("%s: max %.2e, mean %.2e", what, d[0], d[1]);
	}

	/** The ResNet's untiled and tiled (3x3 tiles of 128) translations of the real image, shared by two tests. */
	private static final class ResnetResults {
		static final TranslationModel MODEL = resnet();
		static final Translator UNTILED = new Translator(MODEL, "A2B");
		static final FloatImage INPUT = normalizedFluo(UNTILED);
		static final FloatImage EXPECTED = UNTILED.translateNormalized(INPUT);
		static final TiledTranslator TILED = new TiledTranslator(MODEL, "A2B", TilingOptions.automatic().withTileSize(128));
		static final FloatImage ACTUAL = TILED.translateNormalized(INPUT, TileProgress.NONE);
	}

	@Test
	void resnetTilesMatchTheUntiledTranslation() {
		assertEquals(9, ResnetResults.TILED.tileCount(256, 256));
		FloatImage expected = ResnetResults.EXPECTED;
		FloatImage actual = ResnetResults.ACTUAL;
		double[] interior = TestModels.difference(expected, actual, 16);
		double[] all = TestModels.difference(expected, actual, 0);
		System.out.println(describe("resnet_2blocks tiled vs untiled, 16 px from the borders", interior) + "; "
				+ describe("everywhere", all));
		assertTrue(interior[0] < 0.05 && interior[1] < 1e-3, describe("interior", interior));
		assertTrue(all[0] < 0.05 && all[1] < 1e-3, describe("everywhere", all));
	}

	@Test
	void statisticsSampledOnSomeTilesKeepTilesSeamless() {
		// 3 x 3 tiles of 128, statistics measured on the four corner tiles only
		TiledTranslator sampled = new TiledTranslator(ResnetResults.MODEL, "A2B",
				TilingOptions.automatic().withTileSize(128).withStatisticsTiles(4));
		List<int[]> reports = new ArrayList<>();
		FloatImage actual = sampled.translateNormalized(ResnetResults.INPUT, (done, total) -> reports.add(new int[] { done, total }));
		// one measuring pass over 4 tiles, then 9 tiles translated
		assertEquals(4 + 9, reports.get(reports.size() - 1)[1]);
		double ratio = seamRatio(actual, ResnetResults.EXPECTED, new int[] { 64, 96, 128, 160, 192 });
		double[] difference = TestModels.difference(ResnetResults.EXPECTED, actual, 16);
		System.out.printf("statistics of 4 of 9 tiles: seam ratio %.3f; %s%n", ratio, describe("vs untiled", difference));
		assertTrue(ratio < 1.1, "sampled statistics: seam ratio " + ratio);
	}

	@Test
	void statisticsTilesAreSpreadEvenlyOverTheGrid() {
		assertArrayEquals(new int[] { 0, 1, 2, 3, 4, 5 }, TiledRun.spread(2, 3, 9));
		assertArrayEquals(new int[] { 0, 1, 2, 3, 4, 5 }, TiledRun.spread(2, 3, 0));
		// rows and columns 1, 5 and 8 of 10 (the centres of three equal bands)
		assertArrayEquals(new int[] { 11, 15, 18, 51, 55, 58, 81, 85, 88 }, TiledRun.spread(10, 10, 9));
		// a wide grid: one row, nine columns
		assertEquals(9, TiledRun.spread(2, 20, 9).length);
		for (int t : TiledRun.spread(2, 20, 9))
			assertEquals(1, t / 20);
	}

	@Test
	void unetTilesMatchTheUntiledTranslation() {
		TranslationModel model = unet();
		Translator untiled = new Translator(model, "A2B");
		FloatImage input = normalizedFluo(untiled);
		FloatImage expected = untiled.translateNormalized(input);
		// the U-Net's context is wide: tiles of 192 at 0 and 64, overlapping by 128
		TiledTranslator tiled = new TiledTranslator(model, "A2B", TilingOptions.automatic().withTileSize(192));
		assertEquals(4, tiled.tileCount(256, 256));
		FloatImage actual = tiled.translateNormalized(input, TileProgress.NONE);
		double[] interior = TestModels.difference(expected, actual, 16);
		double[] all = TestModels.difference(expected, actual, 0);
		System.out.println(describe("unet_32 tiled vs untiled, 16 px from the borders", interior) + "; "
				+ describe("everywhere", all));
		assertTrue(interior[0] < 0.05 && interior[1] < 1e-3, describe("interior", interior));
	}

	/**
	 * How much a tiled result jumps across tile boundaries where the untiled result does not: the mean
	 * absolute difference between neighbouring pixels of {@code tiled - untiled} across the given columns and
	 * rows (each against the one before it), divided by the same over all neighbouring pixels. A seam makes it
	 * large; without seams it is about 1 or less. (Measured on the deviation because the output of a random-weight
	 * network is a fine texture whose pixel-to-pixel variation hides steps between tiles.)
	 */
	private static double seamRatio(FloatImage tiled, FloatImage untiled, int[] boundaries) {
		FloatImage e = new FloatImage(1, tiled.height(), tiled.width());
		for (int i = 0; i < e.data().length; i++)
			e.data()[i] = tiled.data()[i] - untiled.data()[i];
		double across = 0, all = 0;
		long nAcross = 0, nAll = 0;
		for (int y = 0; y < e.height(); y++)
			for (int x = 0; x < e.width(); x++) {
				if (x > 0) {
					all += Math.abs(e.get(0, y, x) - e.get(0, y, x - 1));
					nAll++;
				}
				if (y > 0) {
					all += Math.abs(e.get(0, y, x) - e.get(0, y - 1, x));
					nAll++;
				}
			}
		for (int b : boundaries)
			for (int k = 0; k < e.width(); k++) {
				across += Math.abs(e.get(0, k, b) - e.get(0, k, b - 1)) + Math.abs(e.get(0, b, k) - e.get(0, b - 1, k));
				nAcross += 2;
			}
		return (across / nAcross) / (all / nAll);
	}

	@Test
	void blendedTilesShowNoSeamsWhereNaiveTilesDo() {
		TranslationModel model = ResnetResults.MODEL;
		Translator untiled = ResnetResults.UNTILED;
		FloatImage input = ResnetResults.INPUT;
		FloatImage expected = ResnetResults.EXPECTED;
		// tiles at 0, 64, 128 of 128 px: edges at 64, 128, 192, transitions centred at 96 and 160
		int[] boundaries = { 64, 96, 128, 160, 192 };
		double blendedRatio = seamRatio(ResnetResults.ACTUAL, expected, boundaries);
		// per-tile statistics make tiles disagree; blending still hides where they meet
		FloatImage blendedPerTile = new TiledTranslator(model, "A2B",
				TilingOptions.automatic().withTileSize(128).withLayerStatistics(LayerStatistics.TILE)).translateNormalized(input, TileProgress.NONE);
		double blendedPerTileRatio = seamRatio(blendedPerTile, expected, boundaries);
		double[] perTileDifference = TestModels.difference(expected, blendedPerTile, 16);
		System.out.println(describe("resnet_2blocks with per-tile statistics vs untiled", perTileDifference));
		assertTrue(perTileDifference[1] > 0.01, describe("per-tile statistics", perTileDifference));
		// naive: 64 px tiles, each translated on its own by the untiled translator, put side by side
		FloatImage naive = new FloatImage(1, 256, 256);
		for (int ty = 0; ty < 256; ty += 64)
			for (int tx = 0; tx < 256; tx += 64) {
				FloatImage tile = untiled.translateNormalized(input.crop(tx, ty, 64, 64));
				for (int y = 0; y < 64; y++)
					for (int x = 0; x < 64; x++)
						naive.set(0, ty + y, tx + x, tile.get(0, y, x));
			}
		double naiveRatio = seamRatio(naive, expected, new int[] { 64, 128, 192 });
		System.out.printf("seam ratios: blended %.3f, blended with per-tile statistics %.3f, naive %.3f%n", blendedRatio,
				blendedPerTileRatio, naiveRatio);
		assertTrue(blendedRatio < 1.1, "blended tiles: " + blendedRatio);
		assertTrue(blendedPerTileRatio < 1.1, "blended tiles with per-tile statistics: " + blendedPerTileRatio);
		assertTrue(naiveRatio > 1.3, "naive tiles should show seams: " + naiveRatio);
	}

	@Test
	void sixteenBitImagesComeOutInTheTargetRange() {
		TranslationModel model = resnet();
		// the real image brought to the 16-bit range, and made twice as bright on its right half, so that a
		// range measured per tile would differ from the whole image's
		FloatImage fluo = smallFluo();
		FloatImage image = new FloatImage(1, 128, 128);
		for (int y = 0; y < 128; y++)
			for (int x = 0; x < 128; x++)
				image.set(0, y, x, fluo.get(0, y, x) * (x < 64 ? 120 : 240));
		Translator untiled = new Translator(model, "A2B");
		FloatImage expected = untiled.translate(image);
		// 2x2 tiles of 96 at 0 and 32
		TiledTranslator tiled = new TiledTranslator(model, "A2B", TilingOptions.automatic().withTileSize(96).withOverlap(64));
		assertEquals(4, tiled.tileCount(128, 128));
		assertEquals(untiled.inputRange(image), tiled.inputRange(image));
		FloatImage actual = tiled.translate(image);
		float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
		for (float v : actual.data()) {
			min = Math.min(min, v);
			max = Math.max(max, v);
		}
		// tanh output in [-1, 1] brought to [0, 65535]
		assertTrue(min >= 0 && max <= 65535, "output range " + min + ".." + max);
		assertTrue(max - min > 10000, "output spans the 16-bit range: " + min + ".." + max);
		double[] d = TestModels.difference(expected, actual, 0);
		System.out.println(describe("16-bit output, tiled vs untiled, in grey levels", d));
		assertTrue(d[0] < 0.05 * 32767.5 && d[1] < 1e-3 * 32767.5, describe("16-bit", d));
	}

	@Test
	void anImageThatFitsOneTileIsTranslatedExactlyAsUntiled() {
		TranslationModel model = resnet();
		FloatImage image = TestModels.image(TestModels.FLUO16_64);
		TiledTranslator tiled = new TiledTranslator(model, "A2B");
		assertEquals(1, tiled.tileCount(64, 64));
		assertEquals(new Translator(model, "A2B").translate(image), tiled.translate(image));
	}

	@Test
	void stripsArriveInOrderAndMakeUpTheImage() {
		TranslationModel model = resnet();
		// not a multiple of the size multiple 4: padded by reflection to 152x132, as the untiled translator pads
		FloatImage image = TestModels.image(TestModels.FLUO16_256).crop(0, 0, 150, 130);
		TiledTranslator tiled = new TiledTranslator(model, "A2B", TilingOptions.automatic().withTileSize(96).withOverlap(64));
		FloatImage whole = tiled.translate(image);
		List<int[]> strips = new ArrayList<>();
		FloatImage assembled = new FloatImage(1, 130, 150);
		tiled.translate(image, tiled.inputRange(image), (y, strip) -> {
			strips.add(new int[] { y, strip.height() });
			assertEquals(150, strip.width());
			for (int r = 0; r < strip.height(); r++)
				for (int x = 0; x < 150; x++)
					assembled.set(0, y + r, x, strip.get(0, r, x));
		}, TileProgress.NONE);
		int next = 0;
		for (int[] s : strips) {
			assertEquals(next, s[0], "strips follow each other");
			next += s[1];
		}
		assertEquals(130, next);
		assertTrue(strips.size() > 1);
		assertEquals(whole, assembled);
		double[] d = TestModels.difference(new Translator(model, "A2B").translate(image), whole, 0);
		assertTrue(d[0] < 0.05 * 32767.5 && d[1] < 1e-3 * 32767.5, describe("odd-sized image against untiled", d));
	}

	/** Runs tiles with the real network, failing as if out of memory on batches above {@code maxPixels}. */
	private static class FailingRunner implements TileRunner {
		private final TileRunner network;
		private final long maxPixels;
		private final RuntimeException otherFailure;
		/** Most tiles the measuring pass may hold before it fails as if out of memory. */
		int maxMeasured = Integer.MAX_VALUE;
		int failures;

		FailingRunner(TileRunner network, long maxPixels, RuntimeException otherFailure) {
			this.network = network;
			this.maxPixels = maxPixels;
			this.otherFailure = otherFailure;
		}

		private void check(int count, int height, int width) {
			if (otherFailure != null) throw otherFailure;
			if ((long) count * height * width > maxPixels) {
				failures++;
				throw new OutOfMemoryError("Cannot allocate new FloatPointer(" + count * height * width * 64 + "): simulated");
			}
		}

		@Override
		public int outputChannels() { return network.outputChannels(); }

		@Override
		public int[] normChannels() { return network.normChannels(); }

		@Override
		public float[] translate(float[] tiles, int count, int height, int width, WholeImageStatistics statistics) {
			check(count, height, width);
			return network.translate(tiles, count, height, width, statistics);
		}

		@Override
		public Measured measure(float[] tiles, int count, int height, int width, int[][] owned, IntConsumer layerDone) {
			// the measuring pass runs its tiles one at a time from layer to layer, but holds all of them
			check(1, height, width);
			if (count > maxMeasured) {
				failures++;
				throw new OutOfMemoryError("Cannot allocate new FloatPointer(" + count * height * width * 32 + "): simulated");
			}
			return network.measure(tiles, count, height, width, owned, layerDone);
		}
	}

	@Test
	void runningOutOfMemoryRetriesWithSmallerTiles() {
		TranslationModel model = resnet();
		Translator untiled = new Translator(model, "A2B");
		FloatImage image = smallFluo();
		FailingRunner[] runner = new FailingRunner[1];
		TiledTranslator tiled = new TiledTranslator(model, "A2B", TilingOptions.automatic().withTileSize(128).withBatchSize(1), r -> {
			runner[0] = new FailingRunner(r, 100 * 100, null);
			return runner[0];
		});
		FloatImage actual = tiled.translate(image);
		// 128 (the whole image) fails; 128 * 0.7 rounded down to the size multiple 4, 88, fits
		assertEquals(1, runner[0].failures);
		assertEquals(88, tiled.tileSize());
		assertEquals(4, tiled.tileCount(128, 128));
		FloatImage direct = new TiledTranslator(model, "A2B", TilingOptions.automatic().withTileSize(88).withBatchSize(1)).translate(image);
		assertArrayEquals(direct.data(), actual.data());
		// still close to the untiled translation on average (tiles of 88 leave less context than the tests above)
		double[] d = TestModels.difference(untiled.translate(image), actual, 0);
		assertTrue(d[1] < 2e-3 * 32767.5, describe("after retrying, in grey levels", d));
		// the smaller tiles are kept for the next image
		tiled.translate(image, TileProgress.NONE);
		assertEquals(1, runner[0].failures);
	}

	@Test
	void anImageWhosePassFitsTheBudgetIsTranslatedWholeAndInTilesWhenThatRunsOutOfMemory() {
		TranslationModel model = resnet();
		FloatImage image = smallFluo();
		FailingRunner[] runner = new FailingRunner[1];
		TiledTranslator tiled = new TiledTranslator(model, "A2B", TilingOptions.automatic(), r -> {
			runner[0] = new FailingRunner(r, Long.MAX_VALUE, null);
			return runner[0];
		});
		assertEquals(1, tiled.tileCount(128, 128));
		assertArrayEquals(new Translator(model, "A2B").translate(image).data(), tiled.translate(image).data());
		assertEquals(0, runner[0].failures);

		TiledTranslator failing = new TiledTranslator(model, "A2B", TilingOptions.automatic(), r -> {
			runner[0] = new FailingRunner(r, 100 * 100, null);
			return runner[0];
		});
		assertEquals(128, failing.translate(image).width());
		// the whole image fails once, then tiles of 0.7 x 128 rounded down to the size multiple, 88, fit
		assertEquals(1, runner[0].failures);
		assertEquals(88, failing.tileSize());
		assertEquals(4, failing.tileCount(128, 128));
	}

	@Test
	void runningOutOfMemoryHalvesTheBatchFirst() {
		TranslationModel model = resnet();
		FloatImage input = smallFluo();
		FailingRunner[] runner = new FailingRunner[1];
		// statistics measured on 4 of the 9 tiles, so that the tiles are translated in batches afterwards
		TilingOptions options = TilingOptions.automatic().withTileSize(64).withStatisticsTiles(4);
		TiledTranslator tiled = new TiledTranslator(model, "A2B", options.withBatchSize(4), r -> {
			runner[0] = new FailingRunner(r, 2 * 64 * 64, null);
			return runner[0];
		});
		FloatImage actual = tiled.translate(input);
		// the first batch of 4 tiles fails, batches of 2 fit
		assertEquals(1, runner[0].failures);
		assertEquals(2, tiled.batchSize());
		assertEquals(64, tiled.tileSize());
		FloatImage direct = new TiledTranslator(model, "A2B", options.withBatchSize(2)).translate(input);
		assertArrayEquals(direct.data(), actual.data());
	}

	@Test
	void runningOutOfMemoryWhileMeasuringHalvesTheTilesMeasured() {
		TranslationModel model = resnet();
		FloatImage input = smallFluo();
		FailingRunner[] runner = new FailingRunner[1];
		TiledTranslator tiled = new TiledTranslator(model, "A2B", TilingOptions.automatic().withTileSize(64), r -> {
			runner[0] = new FailingRunner(r, Long.MAX_VALUE, null);
			runner[0].maxMeasured = 4;
			return runner[0];
		});
		FloatImage actual = tiled.translate(input);
		// all 9 tiles fail, 4 fit; the tiles keep their size
		assertEquals(1, runner[0].failures);
		assertEquals(4, tiled.measuredTilesLimit());
		assertEquals(64, tiled.tileSize());
		FloatImage direct = new TiledTranslator(model, "A2B", TilingOptions.automatic().withTileSize(64).withStatisticsTiles(4))
				.translate(input);
		assertArrayEquals(direct.data(), actual.data());
	}

	@Test
	void otherFailuresAreNotRetried() {
		IllegalStateException boom = new IllegalStateException("not a memory problem");
		FailingRunner[] runner = new FailingRunner[1];
		TiledTranslator tiled = new TiledTranslator(resnet(), "A2B", TilingOptions.automatic().withTileSize(64), r -> {
			runner[0] = new FailingRunner(r, Long.MAX_VALUE, boom);
			return runner[0];
		});
		FloatImage image = smallFluo();
		assertSame(boom, assertThrows(IllegalStateException.class, () -> tiled.translate(image)));
		assertEquals(64, tiled.tileSize());
		assertTrue(TiledTranslator.isOutOfMemory(new RuntimeException("wrapped", new OutOfMemoryError("Physical memory usage is too high"))));
		assertFalse(TiledTranslator.isOutOfMemory(boom));
	}

	/** The progress reports of translating the small image in 3x3 tiles of 64 with {@code options}. */
	private static List<int[]> progress(TilingOptions options) {
		TiledTranslator tiled = new TiledTranslator(resnet(), "A2B", options.withTileSize(64).withBatchSize(2));
		List<int[]> calls = new ArrayList<>();
		tiled.translate(smallFluo(), (done, total) -> calls.add(new int[] { done, total }));
		int previous = 0;
		for (int[] call : calls) {
			assertTrue(call[0] > previous && call[0] <= call[1], call[0] + " of " + call[1] + " after " + previous);
			previous = call[0];
		}
		return calls;
	}

	@Test
	void progressCountsEveryTileOfEveryPass() {
		// every tile measured: one pass over the 9 tiles, reported after each of the 9 normalisation layers of
		// resnet_2blocks (7x7 in, 2 down, 2 blocks of 2, 2 up), which is the translation
		List<int[]> all = progress(TilingOptions.automatic());
		assertEquals(9, all.size());
		assertArrayEquals(new int[] { 9, 9 }, all.get(8));
		// 4 tiles measured (reported as their share of the layers grows by a tile), then the 9 tiles translated row
		// by row, each row of 3 in 2 batches
		List<int[]> sampled = progress(TilingOptions.automatic().withStatisticsTiles(4));
		assertEquals(4 + 3 * 2, sampled.size());
		assertArrayEquals(new int[] { 4, 13 }, sampled.get(3));
		assertArrayEquals(new int[] { 13, 13 }, sampled.get(9));
	}

	@Test
	void cancellingStopsPromptlyAndDeliversNothing() {
		TranslationModel model = resnet();
		FloatImage image = smallFluo();
		AtomicInteger layers = new AtomicInteger();
		TiledTranslator tiled = new TiledTranslator(model, "A2B", TilingOptions.automatic().withTileSize(64));
		List<Integer> strips = new ArrayList<>();
		// cancelled in the measuring pass, after its third normalisation layer
		TileProgress cancelAfterThree = new TileProgress() {
			@Override
			public void tilesDone(int done, int total) {
				layers.incrementAndGet();
			}

			@Override
			public boolean isCancelled() {
				return layers.get() >= 3;
			}
		};
		assertThrows(CancellationException.class,
				() -> tiled.translate(image, tiled.inputRange(image), (y, strip) -> strips.add(y), cancelAfterThree));
		assertEquals(3, layers.get());
		assertTrue(strips.isEmpty());
		// the translator is still usable
		assertEquals(128, tiled.translate(image).width());
	}
}
