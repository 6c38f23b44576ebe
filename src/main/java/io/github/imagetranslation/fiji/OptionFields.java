package io.github.imagetranslation.fiji;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import com.google.gson.FieldNamingPolicy;

import io.github.imagetranslation.engine.train.GanOptions;

/**
 * Copies a training command's parameters into the engine's options. Each option is read from the command's
 * field named like the option in snake_case ({@code nEpochsDecay} from {@code n_epochs_decay}), the name model
 * files, the command line and macros all use, so no option can be forgotten or named differently.
 */
final class OptionFields {

	private OptionFields() {}

	/** Sets every option of {@code options} from the field of {@code command} with the option's snake_case name. */
	static void copy(Object command, GanOptions options) {
		for (Field option : options.getClass().getFields()) {
			if (Modifier.isStatic(option.getModifiers()) || Modifier.isFinal(option.getModifiers())) continue;
			String name = snakeCase(option);
			Field source = find(command.getClass(), name);
			if (source == null || source.getType() != option.getType())
				throw new IllegalStateException(command.getClass().getSimpleName() + " has no " + option.getType().getSimpleName()
						+ " field " + name + " for the option of that name");
			try {
				source.setAccessible(true);
				option.set(options, source.get(command));
			} catch (IllegalAccessException e) {
				throw new IllegalStateException(e);
			}
		}
	}

	/** The option name of {@code option}, as model files and macros write it. */
	static String snakeCase(Field option) {
		return FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES.translateName(option);
	}

	private static Field find(Class<?> type, String name) {
		for (Class<?> c = type; c != null; c = c.getSuperclass()) {
			try {
				return c.getDeclaredField(name);
			} catch (NoSuchFieldException e) {
				// look in the superclass
			}
		}
		return null;
	}
}
