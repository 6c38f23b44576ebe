package io.github.imagetranslation.engine.infer;

import java.util.function.IntConsumer;

/**
 * Runs a generator on a batch of tiles, all of one size, laid out as {@code [count, channels, height, width]} in
 * row-major order and normalised to [-1, 1]. Separate from the tiling so that tests can stand in for it.
 */
interface TileRunner {

	/** Channels of a translated tile. */
	int outputChannels();

	/** Channels of each normalisation layer, in the order the network uses them. */
	int[] normChannels();

	/**
	 * The translated tiles, {@code [count, outputChannels, height, width]}. With {@code statistics} every
	 * normalisation layer uses those; with null, each tile's own.
	 */
	float[] translate(float[] tiles, int count, int height, int width, WholeImageStatistics statistics);

	/**
	 * Translates the tiles in one pass in which each normalisation layer standardises every tile with the
	 * statistics of its input over the parts the tiles own, {@code owned[t] = {top, bottom, left, right}}
	 * (exclusive ends, multiples of the network's size multiple, relative to the tile), measured across all the
	 * tiles at that layer: the layers before it are then already normalised alike. Memory grows with the number of
	 * tiles (each keeps its activations between layers).
	 *
	 * @param layerDone told the index of each normalisation layer once it is measured; may throw to stop
	 */
	Measured measure(float[] tiles, int count, int height, int width, int[][] owned, IntConsumer layerDone);

	/** What {@link #measure} found: the statistics of every layer, and the tiles translated with them. */
	final class Measured {
		final WholeImageStatistics statistics;
		/** {@code [count, outputChannels, height, width]}. */
		final float[] translated;

		Measured(WholeImageStatistics statistics, float[] translated) {
			this.statistics = statistics;
			this.translated = translated;
		}
	}
}
