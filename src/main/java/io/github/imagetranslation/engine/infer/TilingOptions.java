package io.github.imagetranslation.engine.infer;

/**
 * Settings of a {@link TiledTranslator}; everything left automatic is chosen from the network and the memory
 * budget. Immutable: each {@code with} method returns a changed copy.
 */
public final class TilingOptions {

	/**
	 * Native memory for the network's arrays, unless set: 768 MiB (with the Java side and a 4096x4096 RGB image
	 * and its result, a process then peaks below 2 GB).
	 */
	public static final long DEFAULT_MEMORY_BUDGET = 768L << 20;

	/** Where the network's normalisation layers take their statistics from when an image is tiled. */
	public enum LayerStatistics {
		/** Each tile's own: one pass, but tiles differ in tone from each other and from the untiled result. */
		TILE,
		/**
		 * The whole image's, measured before translating in one pass over some tiles held side by side: at each
		 * normalisation layer the pass measures the layer's input over all of them, then normalises them all
		 * with that, so the layers before each one are normalised alike. Matches the untiled result when every
		 * tile is measured, and then that pass is the translation. A large image measures an even spread of
		 * {@link TilingOptions#statisticsTiles()} tiles (at most as many as the memory budget holds at once), one
		 * extra pass over those tiles: every tile still gets the same statistics, so tiles agree in tone, and
		 * they differ from the whole image's by the sampling error only.
		 */
		IMAGE
	}

	/** Tiles whose statistics stand for the whole image, unless set. */
	public static final int DEFAULT_STATISTICS_TILES = 9;

	private static final TilingOptions AUTOMATIC = new TilingOptions(0, -1, DEFAULT_MEMORY_BUDGET, 0,
			LayerStatistics.IMAGE, DEFAULT_STATISTICS_TILES);

	private final int tileSize;
	private final int overlap;
	private final long memoryBudget;
	private final int batchSize;
	private final LayerStatistics layerStatistics;
	private final int statisticsTiles;

	private TilingOptions(int tileSize, int overlap, long memoryBudget, int batchSize, LayerStatistics layerStatistics,
			int statisticsTiles) {
		this.tileSize = tileSize;
		this.overlap = overlap;
		this.memoryBudget = memoryBudget;
		this.batchSize = batchSize;
		this.layerStatistics = layerStatistics;
		this.statisticsTiles = statisticsTiles;
	}

	/** Everything automatic, statistics of the whole image, a budget of {@link #DEFAULT_MEMORY_BUDGET}. */
	public static TilingOptions automatic() {
		return AUTOMATIC;
	}

	/**
	 * Tiles of {@code size} x {@code size} pixels (rounded down to the network's size multiple, at least 16, and
	 * shortened to the image, padded to that multiple, where it is smaller); 0 chooses from the memory budget.
	 */
	public TilingOptions withTileSize(int size) {
		if (size < 0) throw new IllegalArgumentException("Tile size must be positive, or 0 for automatic; got " + size);
		return new TilingOptions(size, overlap, memoryBudget, batchSize, layerStatistics, statisticsTiles);
	}

	/** At least {@code pixels} of overlap between neighbouring tiles; -1 chooses from the receptive field. */
	public TilingOptions withOverlap(int pixels) {
		if (pixels < -1) throw new IllegalArgumentException("Overlap must be 0 or more, or -1 for automatic; got " + pixels);
		return new TilingOptions(tileSize, pixels, memoryBudget, batchSize, layerStatistics, statisticsTiles);
	}

	/**
	 * Native memory for the network's arrays: sets the automatic tile and batch size (one forward pass), and how
	 * many tiles the statistics are measured on at once.
	 */
	public TilingOptions withMemoryBudget(long bytes) {
		if (bytes < 1 << 20) throw new IllegalArgumentException("Memory budget must be at least 1 MiB, got " + bytes + " bytes");
		return new TilingOptions(tileSize, overlap, bytes, batchSize, layerStatistics, statisticsTiles);
	}

	/** Tiles per forward pass; 0 chooses from the memory budget. */
	public TilingOptions withBatchSize(int tiles) {
		if (tiles < 0) throw new IllegalArgumentException("Batch size must be positive, or 0 for automatic; got " + tiles);
		return new TilingOptions(tileSize, overlap, memoryBudget, tiles, layerStatistics, statisticsTiles);
	}

	/** Where normalisation layers take their statistics from when an image is tiled. */
	public TilingOptions withLayerStatistics(LayerStatistics statistics) {
		if (statistics == null) throw new IllegalArgumentException("Layer statistics must be given");
		return new TilingOptions(tileSize, overlap, memoryBudget, batchSize, statistics, statisticsTiles);
	}

	/** The tile size asked for, 0 if automatic. */
	public int tileSize() { return tileSize; }

	/** The overlap asked for, -1 if automatic. */
	public int overlap() { return overlap; }

	public long memoryBudget() { return memoryBudget; }

	/** The batch size asked for, 0 if automatic. */
	public int batchSize() { return batchSize; }

	/**
	 * With {@link LayerStatistics#IMAGE}, measure the statistics on an even spread of about {@code tiles} tiles
	 * (every tile of an image with no more); 0 measures as many as the memory budget holds at once (every tile of
	 * an image that fits). The measuring pass holds all its tiles' activations at once, so the memory budget caps
	 * the number either way.
	 */
	public TilingOptions withStatisticsTiles(int tiles) {
		if (tiles < 0) throw new IllegalArgumentException("Statistics tiles must be positive, or 0 for every tile; got " + tiles);
		return new TilingOptions(tileSize, overlap, memoryBudget, batchSize, layerStatistics, tiles);
	}

	public LayerStatistics layerStatistics() { return layerStatistics; }

	/** Tiles measured for the statistics, 0 for every tile. */
	public int statisticsTiles() { return statisticsTiles; }
}
