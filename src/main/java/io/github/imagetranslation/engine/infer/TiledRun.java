package io.github.imagetranslation.engine.infer;

import java.util.Arrays;
import java.util.concurrent.CancellationException;

import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.norm.IntensityRange;

/**
 * One tiled translation of one image with fixed settings: the pass that measures normalisation statistics on
 * some tiles (all of them for a small image, whose translation that pass then is), then the pass that translates
 * tile row by tile row, blending each row into a band of the padded output and handing on every part of the band
 * no later tile can reach.
 */
final class TiledRun {

	private final TileRunner runner;
	private final FloatImage image;
	private final IntensityRange inputRange;
	private final IntensityRange outputRange;
	private final StripConsumer output;
	private final TileProgress progress;
	private final int multiple;
	private final int batchSize;
	private final TilingOptions.LayerStatistics layerStatistics;
	/** Padding before the image in the padded image, as {@link Translator} pads it. */
	private final int top;
	private final int left;
	private final TileAxis rows;
	private final TileAxis columns;
	/** Row-major indices of the tiles the statistics are measured on. */
	private final int[] measured;
	/** Per tile, row-major: its translation from the measuring pass when that pass covered every tile; else null. */
	private float[][] translatedWhileMeasuring;
	private final int total;
	private int done;
	private boolean measuring;

	TiledRun(TiledTranslator translator, FloatImage image, IntensityRange inputRange, IntensityRange outputRange,
			StripConsumer output, TileProgress progress) {
		this.runner = translator.runner();
		this.image = image;
		this.inputRange = inputRange;
		this.outputRange = outputRange;
		this.output = output;
		this.progress = progress;
		multiple = translator.sizeMultiple();
		batchSize = translator.batchSize();
		int paddedHeight = TiledTranslator.ceilTo(image.height(), multiple);
		int paddedWidth = TiledTranslator.ceilTo(image.width(), multiple);
		top = (paddedHeight - image.height()) / 2;
		left = (paddedWidth - image.width()) / 2;
		TileAxis[] axes = translator.axes(paddedHeight, paddedWidth);
		rows = axes[0];
		columns = axes[1];
		int tiles = rows.count() * columns.count();
		int layers = runner.normChannels().length;
		layerStatistics = layers == 0 || tiles == 1 ? TilingOptions.LayerStatistics.TILE : translator.options().layerStatistics();
		int asked = translator.options().statisticsTiles(), limit = translator.measuredTilesLimit();
		measured = layerStatistics != TilingOptions.LayerStatistics.IMAGE ? new int[0]
				: spread(rows.count(), columns.count(), asked == 0 ? limit : Math.min(asked, limit));
		total = measured.length == tiles ? tiles : tiles + measured.length;
	}

	void run() {
		measuring = true;
		WholeImageStatistics statistics = measure();
		measuring = false;
		translate(statistics);
	}

	/** Whether the run is in (or stopped in) its measuring pass. */
	boolean measuring() { return measuring; }

	/** Side of the tiles, the longer if they are not square (an image in one tile). */
	int largestTile() { return Math.max(rows.tile(), columns.tile()); }

	/** Whether the image is one tile. */
	boolean whole() { return rows.count() * columns.count() == 1; }

	/** Tiles the measuring pass holds at once. */
	int measuredCount() { return measured.length; }

	/** Statistics of the whole image for every normalisation layer, or null to use each tile's own. */
	private WholeImageStatistics measure() {
		if (layerStatistics != TilingOptions.LayerStatistics.IMAGE) return null;
		checkCancelled();
		int count = measured.length;
		int[] tileRows = new int[count], tileColumns = new int[count];
		int[][] owned = new int[count][];
		for (int t = 0; t < count; t++) {
			int j = measured[t] / columns.count(), i = measured[t] % columns.count();
			tileRows[t] = j;
			tileColumns[t] = i;
			owned[t] = new int[] { rows.ownedStart(j, multiple) - rows.start(j), rows.ownedEnd(j, multiple) - rows.start(j),
					columns.ownedStart(i, multiple) - columns.start(i), columns.ownedEnd(i, multiple) - columns.start(i) };
		}
		int layers = runner.normChannels().length;
		int[] reported = new int[1];
		TileRunner.Measured result = runner.measure(tiles(tileRows, tileColumns), count, rows.tile(), columns.tile(), owned, layer -> {
			checkCancelled();
			// the measuring pass counts as its tiles, in steps of its layers
			int now = (int) ((long) count * (layer + 1) / layers);
			if (now > reported[0]) reportDone(now - reported[0]);
			reported[0] = now;
		});
		if (count == rows.count() * columns.count()) {
			translatedWhileMeasuring = new float[count][];
			int length = result.translated.length / count;
			for (int t = 0; t < count; t++) {
				translatedWhileMeasuring[measured[t]] = new float[length];
				System.arraycopy(result.translated, t * length, translatedWhileMeasuring[measured[t]], 0, length);
			}
		}
		return result.statistics;
	}

	/**
	 * Row-major indices of about {@code sample} tiles of a {@code rows} x {@code columns} grid, spread evenly (the
	 * centres of equal bands of rows and of columns); every tile when there are no more than that or
	 * {@code sample} is 0.
	 */
	static int[] spread(int rows, int columns, int sample) {
		if (sample <= 0 || rows * columns <= sample) {
			int[] all = new int[rows * columns];
			for (int t = 0; t < all.length; t++)
				all[t] = t;
			return all;
		}
		int pickRows = Math.min(rows, Math.max(1, (int) Math.round(Math.sqrt(sample * (double) rows / columns))));
		int pickColumns = Math.min(columns, Math.max(1, sample / pickRows));
		int[] picked = new int[pickRows * pickColumns];
		for (int a = 0; a < pickRows; a++)
			for (int b = 0; b < pickColumns; b++)
				picked[a * pickColumns + b] = (2 * a + 1) * rows / (2 * pickRows) * columns + (2 * b + 1) * columns / (2 * pickColumns);
		return picked;
	}

	private void translate(WholeImageStatistics statistics) {
		int channels = runner.outputChannels();
		int th = rows.tile(), tw = columns.tile(), width = columns.length();
		float[] rowWeightSums = weightSums(rows);
		float[] columnWeightSums = weightSums(columns);
		float[] band = new float[channels * th * width];
		for (int j = 0; j < rows.count(); j++) {
			float[] wy = rows.weights(j);
			for (int first = 0; first < columns.count(); first += batchSize) {
				int count = Math.min(batchSize, columns.count() - first);
				checkCancelled();
				int[] tileRows = new int[count], tileColumns = new int[count];
				for (int t = 0; t < count; t++) {
					tileRows[t] = j;
					tileColumns[t] = first + t;
				}
				float[] out = translatedWhileMeasuring != null ? stored(j, first, count)
						: runner.translate(tiles(tileRows, tileColumns), count, th, tw, statistics);
				for (int t = 0; t < count; t++) {
					int x0 = columns.start(first + t);
					float[] wx = columns.weights(first + t);
					for (int c = 0; c < channels; c++)
						for (int y = 0; y < th; y++) {
							int src = ((t * channels + c) * th + y) * tw;
							int dst = (c * th + y) * width + x0;
							float rowWeight = wy[y];
							if (rowWeight == 0) continue;
							for (int x = 0; x < tw; x++)
								band[dst + x] += out[src + x] * rowWeight * wx[x];
						}
				}
				if (translatedWhileMeasuring == null) reportDone(count);
			}
			int bandStart = rows.start(j);
			int bandEnd = j + 1 < rows.count() ? rows.start(j + 1) : rows.length();
			emit(band, bandStart, bandEnd, rowWeightSums, columnWeightSums);
			int keep = bandStart + th - bandEnd;
			for (int c = 0; c < channels; c++) {
				int base = c * th * width;
				System.arraycopy(band, base + (bandEnd - bandStart) * width, band, base, keep * width);
				Arrays.fill(band, base + keep * width, base + th * width, 0);
			}
		}
	}

	/** The tiles {@code first .. first + count - 1} of row {@code j} as the measuring pass translated them. */
	private float[] stored(int j, int first, int count) {
		int length = translatedWhileMeasuring[0].length;
		float[] out = new float[count * length];
		for (int t = 0; t < count; t++)
			System.arraycopy(translatedWhileMeasuring[j * columns.count() + first + t], 0, out, t * length, length);
		return out;
	}

	/** Hands on padded rows {@code [from, to)} of the band (which starts at padded row {@code from}) inside the image. */
	private void emit(float[] band, int from, int to, float[] rowWeightSums, float[] columnWeightSums) {
		int y0 = Math.max(from, top), y1 = Math.min(to, top + image.height());
		if (y1 <= y0) return;
		int channels = runner.outputChannels(), th = rows.tile(), width = columns.length();
		int h = y1 - y0, w = image.width();
		float[] strip = new float[channels * h * w];
		for (int c = 0; c < channels; c++)
			for (int y = 0; y < h; y++) {
				int py = y0 + y;
				int src = (c * th + py - from) * width + left;
				int dst = (c * h + y) * w;
				for (int x = 0; x < w; x++)
					strip[dst + x] = band[src + x] / (rowWeightSums[py] * columnWeightSums[left + x]);
			}
		output.accept(y0 - top, outputRange.denormalize(new FloatImage(channels, h, w, strip)));
	}

	/** Sum over tiles of their weights at each position of the axis (1 up to rounding). */
	private static float[] weightSums(TileAxis axis) {
		float[] sums = new float[axis.length()];
		for (int i = 0; i < axis.count(); i++) {
			float[] w = axis.weights(i);
			for (int k = 0; k < w.length; k++)
				sums[axis.start(i) + k] += w[k];
		}
		return sums;
	}

	/** The tiles at {@code (tileRows[t], tileColumns[t])}, normalised, cut from the reflection-padded image. */
	private float[] tiles(int[] tileRows, int[] tileColumns) {
		int count = tileRows.length, th = rows.tile(), tw = columns.tile(), channels = image.channels();
		int h = image.height(), w = image.width();
		float[] data = image.data();
		float[] batch = new float[count * channels * th * tw];
		int[] sourceRows = new int[th];
		int[] sourceColumns = new int[tw];
		float[] raw = new float[channels * th * tw];
		for (int t = 0; t < count; t++) {
			for (int y = 0; y < th; y++)
				sourceRows[y] = ReflectionPadding.reflect(rows.start(tileRows[t]) + y - top, h);
			for (int x = 0; x < tw; x++)
				sourceColumns[x] = ReflectionPadding.reflect(columns.start(tileColumns[t]) + x - left, w);
			for (int c = 0; c < channels; c++)
				for (int y = 0; y < th; y++) {
					int src = (c * h + sourceRows[y]) * w;
					int dst = (c * th + y) * tw;
					for (int x = 0; x < tw; x++)
						raw[dst + x] = data[src + sourceColumns[x]];
				}
			float[] normalized = inputRange.normalize(new FloatImage(channels, th, tw, raw)).data();
			System.arraycopy(normalized, 0, batch, t * raw.length, raw.length);
		}
		return batch;
	}

	private void checkCancelled() {
		if (progress.isCancelled()) throw new CancellationException("Translation cancelled");
	}

	private void reportDone(int tiles) {
		done += tiles;
		progress.tilesDone(done, total);
	}
}
