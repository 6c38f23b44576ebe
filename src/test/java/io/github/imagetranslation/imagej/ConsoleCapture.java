package io.github.imagetranslation.imagej;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Captures what is printed to System.out and System.err while it is open, and restores both on close. */
final class ConsoleCapture implements AutoCloseable {

	private final PrintStream originalOut = System.out;
	private final PrintStream originalErr = System.err;
	private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

	ConsoleCapture() {
		PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
		System.setOut(capture);
		System.setErr(capture);
	}

	/** Everything printed so far. */
	String printed() {
		System.out.flush();
		System.err.flush();
		return printed.toString(StandardCharsets.UTF_8);
	}

	@Override
	public void close() {
		System.setOut(originalOut);
		System.setErr(originalErr);
	}
}
