package io.github.imagetranslation.engine.data;

import io.github.imagetranslation.engine.image.FloatImage;

/** An input image and its target image of the same scene, aligned pixel for pixel. */
public final class ImagePair {

	private final String name;
	private final FloatImage input;
	private final FloatImage target;

	public ImagePair(String name, FloatImage input, FloatImage target) {
		if (input.height() != target.height() || input.width() != target.width())
			throw new IllegalArgumentException("Pair " + name + ": input is " + input.width() + "x" + input.height()
					+ " but target is " + target.width() + "x" + target.height() + "; paired images must have the same size");
		this.name = name;
		this.input = input;
		this.target = target;
	}

	/** Where the pair came from (file name, slice number), for messages. */
	public String name() { return name; }

	public FloatImage input() { return input; }

	public FloatImage target() { return target; }
}
