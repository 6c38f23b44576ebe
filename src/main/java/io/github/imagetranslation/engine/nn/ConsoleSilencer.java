package io.github.imagetranslation.engine.nn;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * Runs a piece of library code with {@code System.out} discarded. SameDiff prints about a thousand lines
 * ("Added differentiated op ...") with {@code System.out.println} when it builds a gradient function; users
 * must not see them.
 */
public final class ConsoleSilencer {

	private static final PrintStream DISCARD = new PrintStream(OutputStream.nullOutputStream());

	private ConsoleSilencer() {}

	/** Runs {@code work} with standard output discarded, restoring it afterwards. */
	public static synchronized <T> T silently(Supplier<T> work) {
		PrintStream out = System.out;
		System.setOut(DISCARD);
		try {
			return work.get();
		} finally {
			System.setOut(out);
		}
	}
}
