package io.github.imagetranslation.cli;

/** Exit codes scripts can rely on. */
final class ExitCodes {

	/** Done. */
	static final int OK = 0;
	/** Bad input, a failed read or write, or an internal error; the reason is printed as one line. */
	static final int ERROR = 1;
	/** The command line could not be understood. */
	static final int USAGE = 2;
	/** Interrupted (Ctrl-C, as the shell reports it); what was done is saved. */
	static final int CANCELLED = 130;
	/** Finished, but some files of a folder failed. */
	static final int PARTIAL = 4;

	private ExitCodes() {}
}
