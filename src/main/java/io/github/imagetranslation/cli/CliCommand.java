package io.github.imagetranslation.cli;

import java.io.PrintStream;
import java.util.Collections;
import java.util.Set;

/** One sub-command of the command line ({@code train-pix2pix}, {@code translate}, ...). */
interface CliCommand {

	/** The word that selects it. */
	String name();

	/** One line for the command list. */
	String summary();

	/** The full help text, option list included. */
	String help();

	/** Options that take no value. */
	default Set<String> flags() {
		return Collections.emptySet();
	}

	/**
	 * Runs the command and returns its exit code.
	 *
	 * @throws UsageException for a malformed command line
	 * @throws Exception for anything else; its message is shown as one line
	 */
	int run(Arguments args, PrintStream out) throws Exception;
}
