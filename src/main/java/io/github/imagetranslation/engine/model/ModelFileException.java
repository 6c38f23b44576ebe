package io.github.imagetranslation.engine.model;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model file that cannot be used: missing, not a model, damaged, too new or incomplete. The message is one
 * line that names the file, says what is wrong and what to do, so that it can be shown to users as it is.
 */
public class ModelFileException extends IOException {

	private static final long serialVersionUID = 1L;

	private final transient Path file;

	public ModelFileException(Path file, String message) {
		super(message);
		this.file = file;
	}

	public ModelFileException(Path file, String message, Throwable cause) {
		super(message, cause);
		this.file = file;
	}

	/** The model file the problem is about. */
	public Path file() {
		return file;
	}
}
