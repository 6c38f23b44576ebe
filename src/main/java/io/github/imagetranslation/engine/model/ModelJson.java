package io.github.imagetranslation.engine.model;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/**
 * The one JSON configuration used for model descriptions and training options: snake_case names (the same
 * words as command-line options and macro keys), readable indentation, NaN and infinite losses allowed.
 */
public final class ModelJson {

	/** Program name and version written into model files. */
	public static final String SOFTWARE = "image-translation " + version();

	private static final Gson GSON = new GsonBuilder().setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
			.serializeSpecialFloatingPointValues().setPrettyPrinting().disableHtmlEscaping().create();

	private ModelJson() {}

	public static Gson gson() {
		return GSON;
	}

	private static String version() {
		String v = ModelJson.class.getPackage().getImplementationVersion();
		return v == null ? "development" : v;
	}
}
