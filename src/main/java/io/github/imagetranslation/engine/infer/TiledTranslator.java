package io.github.imagetranslation.engine.infer;

import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.function.UnaryOperator;

import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.model.DomainDescription;
import io.github.imagetranslation.engine.model.ModelDescription;
import io.github.imagetranslation.engine.model.TranslationModel;
import io.github.imagetranslation.engine.nn.GeneratorSpec;
import io.github.imagetranslation.engine.norm.IntensityRange;

/**
 * Translates images of any size in tiles, in memory bounded by the tiles rather than the image, with the same
 * result as {@link Translator} up to a small tolerance and without visible seams:
 * <ul>
 * <li>the image is normalised with one intensity range for the whole image, tile by tile;</li>
 * <li>it is padded by reflection to the network's size multiple exactly as the untiled translation pads it, and
 * tiles are windows of that padded image starting at multiples of the size multiple, so each tile sees the
 * image border and the network's down-sampling grid as the whole image would;</li>
 * <li>the network's normalisation layers use one set of statistics for every tile, measured before translating
 * in one pass over tiles held side by side: all tiles of a small image, an even spread of them for a large one
 * (see {@link TilingOptions.LayerStatistics#IMAGE}); each tile's own statistics would make tiles differ in
 * tone;</li>
 * <li>neighbouring tiles overlap, and their outputs are blended with raised-cosine weights that are zero where
 * a tile lacks context (see {@link TileAxis}).</li>
 * </ul>
 * Tile size, overlap and tiles per forward pass are chosen from the network's receptive field and a memory
 * budget unless set in {@link TilingOptions}; with automatic tiles an image whose one pass fits the whole budget
 * is not tiled. If the native backend runs out of memory, the translator starts the image again with tiles
 * instead of the whole image, or fewer tiles measured at once, or smaller tiles (and keeps them for later images).
 * An image in one tile is translated whole, exactly as {@link Translator} does.
 * <p>
 * One translator prepares its network once and serves any number of images or slices in turn; it is not for use
 * by several threads at once.
 */
public final class TiledTranslator {

	/** Smallest tile side tried after running out of memory. */
	private static final int MIN_TILE = 16;
	/** Largest batch chosen automatically: more tiles per pass gain nothing on a few cores. */
	private static final int MAX_AUTO_BATCH = 4;
	/**
	 * Share of the memory budget that sets the automatic tile size (one forward pass); the rest holds the tiles of
	 * the measuring pass, about five for a ResNet and ten for a U-Net.
	 */
	private static final double PASS_SHARE = 0.4;

	private final GeneratorSpec spec;
	private final DomainDescription source;
	private final DomainDescription target;
	private final TilingOptions options;
	private final TileRunner runner;
	private final int multiple;
	private int tileSize;
	private int overlap;
	private int batchSize;
	/** Most tiles the measuring pass may hold at once. */
	private int measuredTilesLimit;
	/**
	 * Largest padded image, in pixels, translated in one piece when tiles are automatic: one pass over it fits the
	 * whole memory budget. 0 when tiles were set, or after running out of memory that way.
	 */
	private long wholeImagePixels;

	/** A tiled translator for {@code direction} of {@code model} with automatic settings. */
	public TiledTranslator(TranslationModel model, String direction) {
		this(model, direction, TilingOptions.automatic());
	}

	public TiledTranslator(TranslationModel model, String direction, TilingOptions options) {
		this(model, direction, options, UnaryOperator.identity());
	}

	/** With the network's runner wrapped by {@code wrapRunner} (for tests that simulate failures). */
	TiledTranslator(TranslationModel model, String direction, TilingOptions options, UnaryOperator<TileRunner> wrapRunner) {
		spec = model.generator(direction);
		source = model.domain(ModelDescription.sourceDomain(direction));
		target = model.domain(ModelDescription.targetDomain(direction));
		this.options = options;
		long budget = options.memoryBudget(), passBytes = (long) (budget * PASS_SHARE);
		runner = wrapRunner.apply(new TileNetwork(spec, model.generatorWeights(direction), ModelDescription.generatorPrefix(direction)));
		multiple = spec.sizeMultiple();
		tileSize = options.tileSize() > 0 ? Math.max(minimumTile(), floorTo(options.tileSize(), multiple))
				: Math.max(minimumTile(), floorTo((int) Math.sqrt(passBytes / bytesPerPixel(spec)), multiple));
		if (options.overlap() < 0) {
			overlap = Math.min(automaticOverlap(spec), floorTo(tileSize / 2, multiple));
		} else {
			overlap = options.overlap();
			if (overlap > tileSize - multiple) {
				if (options.tileSize() > 0)
					throw new IllegalArgumentException("Overlap " + overlap + " leaves no room in tiles of " + tileSize
							+ " pixels; use at most " + (tileSize - multiple));
				tileSize = ceilTo(2 * overlap, multiple);
			}
		}
		batchSize = options.batchSize() > 0 ? options.batchSize()
				: (int) Math.max(1, Math.min(MAX_AUTO_BATCH, passBytes / (bytesPerPixel(spec) * tileSize * tileSize)));
		wholeImagePixels = options.tileSize() > 0 ? 0 : budget / bytesPerPixel(spec);
		measuredTilesLimit = (int) Math.max(1, Math.min(Integer.MAX_VALUE,
				(budget - bytesPerPixel(spec) * tileSize * tileSize) / (keptBytesPerPixel(spec) * tileSize * tileSize)));
	}

	/**
	 * Memory per input pixel that one tile keeps in the measuring pass, where every measured tile waits at each
	 * normalisation layer for the others: one activation of {@code ngf} channels at full resolution at most (the
	 * ResNet's first and last layers; the U-Net's skip connections sum to less), which with the allocator's
	 * fragmentation measured 450 B (resnet_9blocks) and 220 B (unet_256) for ngf 64 over 6 tiles of 512 px.
	 */
	static long keptBytesPerPixel(GeneratorSpec spec) {
		return (spec.architecture() == GeneratorSpec.Architecture.RESNET ? 7L : 4L) * spec.ngf();
	}

	/**
	 * Native memory per input pixel at the peak of one forward pass, measured as resident memory (ngf 64: 1.46-1.6
	 * KB for resnet_9blocks at 512-768 px, 0.79 KB for unet_256 at 512 px), with some margin.
	 */
	static long bytesPerPixel(GeneratorSpec spec) {
		return spec.architecture() == GeneratorSpec.Architecture.RESNET ? 25L * spec.ngf() : 13L * spec.ngf();
	}

	/**
	 * Overlap for a generator: one and a half times its receptive-field radius, rounded up to its size multiple,
	 * so that the outer quarter of each overlap, where a tile's weight is zero, is over a third of that radius.
	 * With that much context tiled and untiled results agreed within 0.02 (in the network's [-1, 1] output)
	 * for every generator measured.
	 */
	static int automaticOverlap(GeneratorSpec spec) {
		return ceilTo((receptiveFieldRadius(spec) * 3 + 1) / 2, spec.sizeMultiple());
	}

	/**
	 * Radius in input pixels of the region an output pixel can depend on: half the kernel extent of every
	 * convolution times the down-sampling it works at.
	 */
	static int receptiveFieldRadius(GeneratorSpec spec) {
		if (spec.architecture() == GeneratorSpec.Architecture.RESNET)
			// 7x7 in, 3x3 at scale 1 and 2 down, two 3x3 per block at scale 4, 3x3 up from scale 4 and 2, 7x7 out
			return 3 + 1 + 2 + 8 * spec.depth() + 4 + 2 + 3;
		// 4x4 stride-2 down and up convolutions, 1.5 pixels of the input of each, at every level
		return 3 * ((1 << spec.depth()) - 1);
	}

	private int minimumTile() {
		return ceilTo(MIN_TILE, multiple);
	}

	/** Side of the tiles now used (smaller than chosen at first after running out of memory). */
	public int tileSize() { return tileSize; }

	/** Least overlap between neighbouring tiles. */
	public int overlap() { return overlap; }

	/** Tiles per forward pass. */
	public int batchSize() { return batchSize; }

	/**
	 * Most tiles the statistics are measured on (the measuring pass holds them all at once): the memory budget
	 * less one tile's pass, over what each measured tile keeps between layers.
	 */
	public int measuredTilesLimit() { return measuredTilesLimit; }

	/** Height and width given to the network are padded to a multiple of this. */
	public int sizeMultiple() { return multiple; }

	public int inputChannels() { return spec.inChannels(); }

	public int outputChannels() { return spec.outChannels(); }

	/** The range {@code image} is normalised with: its own statistics (of the whole image), or the model's fixed values. */
	public IntensityRange inputRange(FloatImage image) {
		return source.normalization.measure(image);
	}

	/** Number of tiles an image of this size is cut into with the current settings. */
	public int tileCount(int height, int width) {
		TileAxis[] axes = axes(ceilTo(height, multiple), ceilTo(width, multiple));
		return axes[0].count() * axes[1].count();
	}

	/** Translates {@code image} (intensities of the source domain) to intensities of the target domain. */
	public FloatImage translate(FloatImage image) {
		return translate(image, TileProgress.NONE);
	}

	/** As {@link #translate(FloatImage)}, reporting progress and stopping when cancelled. */
	public FloatImage translate(FloatImage image, TileProgress progress) {
		checkChannels(image);
		return translate(image, inputRange(image), progress);
	}

	/**
	 * Translates {@code image} normalised with {@code inputRange} (for example one range for a whole stack).
	 *
	 * @throws CancellationException when {@code progress} cancels
	 */
	public FloatImage translate(FloatImage image, IntensityRange inputRange, TileProgress progress) {
		FloatImage result = new FloatImage(spec.outChannels(), image.height(), image.width());
		translate(image, inputRange, (y, strip) -> copyRows(strip, result, y), progress);
		return result;
	}

	/**
	 * Translates {@code image} normalised with {@code inputRange} and hands the result to {@code output} strip
	 * by strip, holding only about one row of tiles of the result at a time. When cancelled, strips already
	 * delivered are incomplete output and should be discarded.
	 *
	 * @throws CancellationException when {@code progress} cancels
	 */
	public void translate(FloatImage image, IntensityRange inputRange, StripConsumer output, TileProgress progress) {
		checkChannels(image);
		run(image, inputRange, target.typicalRange, output, progress);
	}

	/** Translates an image already normalised to [-1, 1]; the result is in [-1, 1]. */
	public FloatImage translateNormalized(FloatImage normalized, TileProgress progress) {
		checkChannels(normalized);
		FloatImage result = new FloatImage(spec.outChannels(), normalized.height(), normalized.width());
		run(normalized, IntensityRange.identity(), IntensityRange.identity(), (y, strip) -> copyRows(strip, result, y), progress);
		return result;
	}

	private void run(FloatImage image, IntensityRange inputRange, IntensityRange outputRange, StripConsumer output,
			TileProgress progress) {
		while (true) {
			TiledRun run = null;
			try {
				run = new TiledRun(this, image, inputRange, outputRange, output, progress);
				run.run();
				return;
			} catch (OutOfMemoryError | RuntimeException e) {
				if (!isOutOfMemory(e) || !shrink(run)) throw e;
				System.gc();
			}
		}
	}

	/**
	 * Makes smaller what {@code failed} ran out of memory in: tiles instead of the whole image; the tiles measured
	 * at once if it was measuring; else the batch, or failing that the tiles, to about half their area. False if
	 * nothing is left to shrink.
	 */
	private boolean shrink(TiledRun failed) {
		int failedTile = failed == null ? tileSize : Math.min(tileSize, failed.largestTile());
		if (failed != null && failed.whole() && wholeImagePixels > 0) {
			wholeImagePixels = 0;
			if (tileSize >= failed.largestTile()) shrinkTiles(failed.largestTile());
			return true;
		}
		if (failed != null && failed.measuring() && failed.measuredCount() > 1) {
			measuredTilesLimit = failed.measuredCount() / 2;
			return true;
		}
		if (batchSize > 1) {
			batchSize /= 2;
			return true;
		}
		if (failedTile <= minimumTile()) return false;
		shrinkTiles(failedTile);
		return true;
	}

	/** Tiles of about half the area of tiles of {@code from} pixels. */
	private void shrinkTiles(int from) {
		tileSize = Math.max(minimumTile(), floorTo((int) (from * 0.7), multiple));
		overlap = Math.min(overlap, floorTo(tileSize / 2, multiple));
	}

	/** Whether {@code e} reports a failed allocation: Java's or JavaCPP's OutOfMemoryError, or a native allocation error. */
	static boolean isOutOfMemory(Throwable e) {
		for (Throwable t = e; t != null; t = t.getCause()) {
			if (t instanceof OutOfMemoryError) return true;
			String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
			if (message.contains("out of memory") || message.contains("bad_alloc") || message.contains("allocate")) return true;
			if (t.getCause() == t) break;
		}
		return false;
	}

	/**
	 * How tiles cover a padded image of {@code height} x {@code width} pixels, rows then columns: one tile if it
	 * fits the memory budget whole (and tiles are automatic), else tiles of the current size.
	 */
	TileAxis[] axes(int height, int width) {
		if ((long) height * width <= wholeImagePixels)
			return new TileAxis[] { new TileAxis(height, height, 0, multiple), new TileAxis(width, width, 0, multiple) };
		return new TileAxis[] { new TileAxis(height, tileSize, overlap, multiple), new TileAxis(width, tileSize, overlap, multiple) };
	}

	TileRunner runner() { return runner; }

	TilingOptions options() { return options; }

	private void checkChannels(FloatImage image) {
		if (image.channels() != spec.inChannels())
			throw new IllegalArgumentException("The model expects " + Translator.describeChannels(spec.inChannels())
					+ " but the image has " + Translator.describeChannels(image.channels()));
	}

	private static void copyRows(FloatImage strip, FloatImage into, int y) {
		int w = into.width();
		for (int c = 0; c < strip.channels(); c++)
			System.arraycopy(strip.data(), c * strip.planeSize(), into.data(), (c * into.height() + y) * w, strip.planeSize());
	}

	static int ceilTo(int v, int m) {
		return (v + m - 1) / m * m;
	}

	static int floorTo(int v, int m) {
		return v / m * m;
	}
}
