package io.github.imagetranslation.cli;

/** A command line that cannot be understood: unknown command or option, missing or malformed value. */
final class UsageException extends Exception {

	private static final long serialVersionUID = 1L;

	UsageException(String message) {
		super(message);
	}
}
