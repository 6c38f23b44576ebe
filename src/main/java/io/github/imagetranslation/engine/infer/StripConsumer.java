package io.github.imagetranslation.engine.infer;

import io.github.imagetranslation.engine.image.FloatImage;

/**
 * Receives a translated image in horizontal strips, top to bottom, as soon as each is final, so that a caller
 * can write or display it without holding the whole result.
 */
public interface StripConsumer {

	/**
	 * {@code strip} holds rows {@code [y, y + strip.height())} of the translated image, all channels and the
	 * full width. If the translator runs out of memory and starts again with smaller tiles, strips come again
	 * from the top and replace the earlier ones.
	 */
	void accept(int y, FloatImage strip);
}
