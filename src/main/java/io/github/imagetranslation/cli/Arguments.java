package io.github.imagetranslation.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A sub-command's arguments: {@code --key value}, {@code --key=value} and bare {@code --flag}. Keys are
 * compared in snake_case ({@code --n-epochs} and {@code --n_epochs} are the same option), the words used by
 * model files and macros. Every option must be consumed by the command; {@link #checkAllUsed()} reports
 * the first unknown one.
 */
final class Arguments {

	private final Map<String, String> values = new LinkedHashMap<>();
	private final Set<String> used = new LinkedHashSet<>();
	private final String command;

	Arguments(String command, List<String> args, Set<String> flags) throws UsageException {
		this.command = command;
		for (int i = 0; i < args.size(); i++) {
			String a = args.get(i);
			if (!a.startsWith("--") || a.length() == 2)
				throw new UsageException("Unexpected argument '" + a + "' for " + command + "; options look like --name value");
			String key = a.substring(2);
			String value;
			int eq = key.indexOf('=');
			if (eq >= 0) {
				value = key.substring(eq + 1);
				key = key.substring(0, eq);
			} else if (flags.contains(normalize(key))) {
				value = "true";
			} else {
				if (i + 1 >= args.size())
					throw new UsageException("Option --" + key + " needs a value");
				value = args.get(++i);
			}
			key = normalize(key);
			if (values.containsKey(key)) throw new UsageException("Option --" + key + " is given twice");
			values.put(key, value);
		}
	}

	static String normalize(String key) {
		return key.replace('-', '_').toLowerCase(Locale.ROOT);
	}

	String command() { return command; }

	boolean has(String key) {
		return values.containsKey(key);
	}

	/** The raw value of {@code key}, or null; marks it as used. */
	String get(String key) {
		used.add(key);
		return values.get(key);
	}

	String required(String key) throws UsageException {
		String v = get(key);
		if (v == null || v.isEmpty()) throw new UsageException(command + " needs --" + key);
		return v;
	}

	Path requiredPath(String key) throws UsageException {
		return Paths.get(required(key));
	}

	Path path(String key) {
		String v = get(key);
		return v == null ? null : Paths.get(v);
	}

	String get(String key, String fallback) {
		String v = get(key);
		return v == null ? fallback : v;
	}

	boolean flag(String key) throws UsageException {
		String v = get(key);
		if (v == null) return false;
		return parseBoolean(key, v);
	}

	Integer integer(String key) throws UsageException {
		String v = get(key);
		if (v == null) return null;
		try {
			return Integer.valueOf(v.trim());
		} catch (NumberFormatException e) {
			throw new UsageException("Option --" + key + " needs a whole number, got '" + v + "'");
		}
	}

	double number(String key, double fallback) throws UsageException {
		String v = get(key);
		if (v == null) return fallback;
		try {
			return Double.parseDouble(v.trim());
		} catch (NumberFormatException e) {
			throw new UsageException("Option --" + key + " needs a number, got '" + v + "'");
		}
	}

	static boolean parseBoolean(String key, String v) throws UsageException {
		switch (v.trim().toLowerCase(Locale.ROOT)) {
			case "true": case "yes": case "on": case "1": return true;
			case "false": case "no": case "off": case "0": return false;
			default: throw new UsageException("Option --" + key + " needs true or false, got '" + v + "'");
		}
	}

	/** Keys given but not read by the command. */
	List<String> unused() {
		List<String> out = new ArrayList<>(values.keySet());
		out.removeAll(used);
		return Collections.unmodifiableList(out);
	}

	void checkAllUsed() throws UsageException {
		List<String> unused = unused();
		if (!unused.isEmpty())
			throw new UsageException("Unknown option --" + unused.get(0) + " for " + command + "; see " + command + " --help");
	}
}
