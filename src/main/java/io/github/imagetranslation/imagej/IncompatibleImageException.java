package io.github.imagetranslation.imagej;

/**
 * Images that do not fit together or do not fit a model: a channel count the model does not take, stacks of
 * different lengths, paired slices of different sizes. The message is one line naming the images and both
 * numbers, so that a command can show it to the user as it is.
 */
public class IncompatibleImageException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	public IncompatibleImageException(String message) {
		super(message);
	}
}
