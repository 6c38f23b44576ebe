package io.github.imagetranslation.engine.infer;

/** Hears how far a tiled translation has got and can stop it. */
public interface TileProgress {

	/** Does nothing and never cancels. */
	TileProgress NONE = (done, total) -> {};

	/**
	 * Called after each batch of tiles. Both counts include every pass over the image (the passes that measure
	 * normalisation statistics and the one that translates), so {@code done} reaches {@code total} at the end.
	 * If the translator has to start again with smaller tiles, the counts start again too.
	 */
	void tilesDone(int done, int total);

	/**
	 * Polled before each batch of tiles; once true, the translation stops with a
	 * {@link java.util.concurrent.CancellationException} and delivers nothing more.
	 */
	default boolean isCancelled() {
		return false;
	}
}
