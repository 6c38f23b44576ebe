package io.github.imagetranslation.imagej;

import java.io.IOException;

/**
 * An image file or folder that cannot be used: missing, not an image, damaged, or not writable in the asked
 * format. The message is one line that names the file or folder, says what is wrong and, where it helps, what
 * to do, so that a command can show it to the user as it is.
 */
public class ImageFileException extends IOException {

	private static final long serialVersionUID = 1L;

	public ImageFileException(String message) {
		super(message);
	}

	public ImageFileException(String message, Throwable cause) {
		super(message, cause);
	}
}
