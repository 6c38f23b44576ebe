package io.github.imagetranslation.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.LoggerFactory;

/**
 * The command line: {@code java -jar image-translation.jar COMMAND [options]}. Prints one line per error and
 * exits with a code scripts can rely on (0 done, 1 error, 2 bad command line, 4 some files of a folder
 * failed, 130 interrupted with the work saved); {@code --debug} adds stack traces for bug reports.
 */
public final class Main {

	private static final Map<String, CliCommand> COMMANDS = new LinkedHashMap<>();

	static {
		for (CliCommand c : Arrays.asList(new DemoCommand(), new TrainCommand(false), new TrainCommand(true),
				new TranslateCommand(), new EvaluateCommand(), new InfoCommand()))
			COMMANDS.put(c.name(), c);
	}

	private Main() {}

	public static void main(String[] args) {
		int code = run(args, System.out, System.err);
		if (code != ExitCodes.CANCELLED) System.exit(code);
	}

	/** Runs a command line, printing to {@code out} and {@code err}, and returns the exit code. */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		silenceLibraryLogging();
		List<String> list = Arrays.asList(args);
		boolean debug = list.contains("--debug");
		if (debug) {
			list = new java.util.ArrayList<>(list);
			list.remove("--debug");
		}
		if (list.isEmpty() || list.get(0).equals("--help") || list.get(0).equals("-h") || list.get(0).equals("help")) {
			if (list.size() > 1 && COMMANDS.containsKey(list.get(1))) {
				out.println(COMMANDS.get(list.get(1)).help());
				return ExitCodes.OK;
			}
			out.println(usage());
			return list.isEmpty() ? ExitCodes.USAGE : ExitCodes.OK;
		}
		if (list.get(0).equals("--version")) {
			out.println(io.github.imagetranslation.engine.model.ModelJson.SOFTWARE);
			return ExitCodes.OK;
		}
		CliCommand command = COMMANDS.get(list.get(0));
		if (command == null) {
			err.println("Unknown command '" + list.get(0) + "'; commands: " + String.join(", ", COMMANDS.keySet()));
			return ExitCodes.USAGE;
		}
		List<String> rest = list.subList(1, list.size());
		if (rest.contains("--help") || rest.contains("-h")) {
			out.println(command.help());
			return ExitCodes.OK;
		}
		try {
			return command.run(new Arguments(command.name(), rest, command.flags()), out);
		} catch (UsageException e) {
			err.println("Error: " + e.getMessage());
			return ExitCodes.USAGE;
		} catch (OutOfMemoryError e) {
			err.println("Error: out of memory (" + e.getMessage() + "); use a smaller patch_size, batch_size or ngf");
			return ExitCodes.ERROR;
		} catch (Exception e) {
			err.println("Error: " + message(e));
			if (debug) e.printStackTrace(err);
			return ExitCodes.ERROR;
		}
	}

	/** The exception's own one-line message, or its type for exceptions without one (programming errors). */
	private static String message(Throwable e) {
		String m = e.getMessage();
		if (m == null || m.trim().isEmpty()) return "internal error (" + e.getClass().getSimpleName() + "); run with --debug and report it";
		int nl = m.indexOf('\n');
		return nl < 0 ? m : m.substring(0, nl);
	}

	private static String usage() {
		StringBuilder s = new StringBuilder("Usage: java -jar image-translation.jar COMMAND [options]\n\nCommands:\n");
		COMMANDS.values().forEach(c -> s.append(String.format("  %-16s %s%n", c.name(), c.summary())));
		s.append("\nRun 'COMMAND --help' for a command's options. --debug shows stack traces of errors.\n");
		s.append("Exit codes: 0 done, 1 error, 2 bad command line, 4 some files failed, 130 interrupted (work saved).");
		return s.toString();
	}

	/**
	 * Binds SLF4J once with standard error muted, so that its "no providers" notice and ND4J's start-up INFO
	 * lines never reach users; without a provider SLF4J discards all logging.
	 */
	private static synchronized void silenceLibraryLogging() {
		PrintStream err = System.err;
		System.setErr(new PrintStream(OutputStream.nullOutputStream()));
		try {
			LoggerFactory.getILoggerFactory();
		} finally {
			System.setErr(err);
		}
	}
}
