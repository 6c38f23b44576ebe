package io.github.imagetranslation.cli;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.google.gson.FieldNamingPolicy;

import io.github.imagetranslation.engine.train.OptionDoc;

/**
 * Fills an options object's public fields from command-line arguments, naming each field in snake_case as
 * model files do ({@code nEpochsDecay} is {@code --n_epochs_decay}), and lists those fields with their
 * defaults for {@code --help}.
 */
final class OptionBinder {

	private OptionBinder() {}

	static String optionName(Field f) {
		return FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES.translateName(f);
	}

	static List<Field> fields(Class<?> type) {
		List<Field> out = new ArrayList<>();
		for (Field f : type.getFields())
			if (!Modifier.isStatic(f.getModifiers()) && !Modifier.isFinal(f.getModifiers())) out.add(f);
		return out;
	}

	/** Sets every field of {@code options} that {@code args} names. */
	static void bind(Arguments args, Object options) throws UsageException {
		for (Field f : fields(options.getClass())) {
			String name = optionName(f);
			String value = args.get(name);
			if (value == null) continue;
			try {
				f.set(options, parse(name, f.getType(), value));
			} catch (IllegalAccessException e) {
				throw new IllegalStateException(e);
			}
		}
	}

	private static Object parse(String name, Class<?> type, String value) throws UsageException {
		String v = value.trim();
		try {
			if (type == int.class) return Integer.parseInt(v);
			if (type == long.class) return Long.parseLong(v);
			if (type == double.class) return Double.parseDouble(v);
			if (type == boolean.class) return Arguments.parseBoolean(name, v);
			if (type == String.class) return v;
		} catch (NumberFormatException e) {
			String kind = type == double.class ? "a number" : "a whole number";
			throw new UsageException("Option --" + name + " needs " + kind + ", got '" + value + "'");
		}
		throw new IllegalStateException("Unsupported option type " + type + " for " + name);
	}

	/** Lines "--name (default) description", common options first, then advanced ones. */
	static String describe(Object defaults) {
		StringBuilder common = new StringBuilder();
		StringBuilder advanced = new StringBuilder();
		for (Field f : fields(defaults.getClass())) {
			OptionDoc doc = f.getAnnotation(OptionDoc.class);
			Object value;
			try {
				value = f.get(defaults);
			} catch (IllegalAccessException e) {
				throw new IllegalStateException(e);
			}
			String line = String.format(Locale.ROOT, "  --%-22s %s (default: %s)%n", optionName(f),
					doc == null ? "" : doc.value(), value);
			(doc != null && doc.advanced() ? advanced : common).append(line);
		}
		return advanced.length() == 0 ? common.toString()
				: common + "\nAdvanced options:\n" + advanced;
	}
}
