package io.github.imagetranslation.engine.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

import com.google.gson.JsonObject;

import io.github.imagetranslation.engine.nn.DiscriminatorSpec;
import io.github.imagetranslation.engine.nn.GeneratorSpec;
import io.github.imagetranslation.engine.train.EpochRecord;

/**
 * The JSON description at the head of a model file: what kind of model it is, its networks, its domains'
 * channels and normalisation, how it was trained and the loss history. Generators are keyed by direction
 * ("A2B", "B2A") and their weights are named {@code G_<direction>.*}; discriminators are keyed by the domain
 * they judge and named {@code D_<domain>.*}.
 */
public final class ModelDescription {

	public static final String PIX2PIX = "pix2pix";
	public static final String CYCLEGAN = "cyclegan";

	public String format = ModelArchive.FORMAT;
	public int formatVersion = ModelArchive.FORMAT_VERSION;
	/** {@link #PIX2PIX} or {@link #CYCLEGAN}. */
	public String kind;
	/** ISO-8601 time of writing. */
	public String created;
	/** Program and version that wrote the file. */
	public String software;
	public LinkedHashMap<String, DomainDescription> domains = new LinkedHashMap<>();
	public LinkedHashMap<String, GeneratorSpec> generators = new LinkedHashMap<>();
	public LinkedHashMap<String, DiscriminatorSpec> discriminators = new LinkedHashMap<>();
	/** Side of the training patches. */
	public int patchSize;
	/** The training options as given (kind-specific). */
	public JsonObject options;
	public long seed;
	public int epochsDone;
	public long iterationsDone;
	/** Whether the schedule was trained to its end (false for a cancelled or checkpointed run). */
	public boolean finished;
	public List<EpochRecord> history = new ArrayList<>();

	/** Weight-name prefix of the generator for {@code direction}. */
	public static String generatorPrefix(String direction) {
		return "G_" + direction + ".";
	}

	/** Weight-name prefix of the discriminator judging {@code domain}. */
	public static String discriminatorPrefix(String domain) {
		return "D_" + domain + ".";
	}

	/** The domain a direction starts from ("A" for "A2B"). */
	public static String sourceDomain(String direction) {
		return direction.substring(0, direction.indexOf('2'));
	}

	/** The domain a direction ends in ("B" for "A2B"). */
	public static String targetDomain(String direction) {
		return direction.substring(direction.indexOf('2') + 1);
	}
}
