package io.github.imagetranslation.engine.model;

import java.io.IOException;

/**
 * Bytes that are not a .npy array this code can read: a malformed header, an unsupported data type, or data
 * whose length does not match the shape. The message describes the problem but not where the bytes came from;
 * callers that know the file add that.
 */
public class NpyFormatException extends IOException {

	private static final long serialVersionUID = 1L;

	public NpyFormatException(String message) {
		super(message);
	}
}
