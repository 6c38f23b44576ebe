package io.github.imagetranslation.fiji;

import java.io.IOException;
import java.nio.file.Files;

/** Points Java's user preferences, where SciJava keeps remembered values, at a temporary folder for tests. */
final class TemporaryPreferences {

	private TemporaryPreferences() {}

	/** Call before the first SciJava context of the test JVM. */
	static void use() {
		try {
			System.setProperty("java.util.prefs.userRoot", Files.createTempDirectory("image-translation-test-prefs").toString());
		} catch (IOException e) {
			throw new IllegalStateException(e);
		}
	}
}
