package io.github.imagetranslation.engine.infer;

/**
 * Runs a generator on a batch of tiles, all of one size, laid out as {@code [count, channels, height, width]} in
 * row-major order and normalised to [-1, 1]. Separate from the tiling so that tests can stand in for it.
 */
interface TileRunner {

	/** Channels of a translated tile. */
	int outputChannels();

	/** Channels of each normalisation layer, in the order {@link #measure} and {@link #translate} number them. */
	int[] normChannels();

	/**
	 * The translated tiles, {@code [count, outputChannels, height, width]}. With {@code statistics} every
	 * normalisation layer uses those; with null, each tile's own.
	 */
	float[] translate(float[] tiles, int count, int height, int width, WholeImageStatistics statistics);

	/**
	 * Adds to {@code into} the sums of the input of normalisation layer {@code layer} over the part each tile
	 * owns, {@code owned[t] = {top, bottom, left, right}} (exclusive ends, multiples of the network's size
	 * multiple, relative to the tile), with the layers before it normalised by {@code statistics}. Only the
	 * network up to that layer is run.
	 */
	void measure(float[] tiles, int count, int height, int width, int[][] owned, WholeImageStatistics statistics, int layer,
			WholeImageStatistics.Accumulator into);

	/** Frees whatever the runner keeps between batches; called after each image. */
	void release();
}
