package io.github.imagetranslation.engine.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import com.google.gson.JsonParseException;

import io.github.imagetranslation.engine.nn.DiscriminatorSpec;
import io.github.imagetranslation.engine.nn.GeneratorSpec;
import io.github.imagetranslation.engine.nn.NativeRuntime;
import io.github.imagetranslation.engine.nn.ParameterStore;
import io.github.imagetranslation.engine.nn.SameDiffLayers;
import io.github.imagetranslation.engine.train.GanTrainer;

/**
 * Saves and loads {@link TranslationModel}s as one {@code .zip} ({@link ModelArchive}): {@code model.json}
 * with the description, the generators' weights as {@code weights/<name>.npy}, and, when present, the
 * training state as {@code training/<name>.npy} plus {@code training_state.json}. Loading checks that the
 * description is complete and that every network it describes finds all its weights with the right shapes.
 */
public final class ModelFile {

	private static final String WEIGHTS = "weights/";
	private static final String TRAINING = "training/";
	private static final String TRAINING_STATE = "training_state.json";

	/** The saved parts of a training state other than tensors. */
	private static final class SavedTrainingState {
		LinkedHashMap<String, Integer> optimizerSteps;
		GanTrainer.LoopState loop;
	}

	private ModelFile() {}

	/** Writes {@code model} to {@code file} atomically (a failed save leaves any previous file untouched). */
	public static void save(TranslationModel model, Path file) throws IOException {
		ModelDescription d = model.description();
		d.format = ModelArchive.FORMAT;
		d.formatVersion = ModelArchive.FORMAT_VERSION;
		Map<String, INDArray> tensors = new LinkedHashMap<>();
		model.generatorWeights().forEach((k, v) -> tensors.put(WEIGHTS + k, v));
		Map<String, byte[]> extras = new LinkedHashMap<>();
		TrainingState state = model.trainingState();
		if (state != null) {
			state.tensors.forEach((k, v) -> tensors.put(TRAINING + k, v));
			SavedTrainingState saved = new SavedTrainingState();
			saved.optimizerSteps = state.optimizerSteps;
			saved.loop = state.loop;
			extras.put(TRAINING_STATE, ModelJson.gson().toJson(saved).getBytes(StandardCharsets.UTF_8));
		}
		ModelArchive.write(file, ModelJson.gson().toJson(d), tensors, extras);
	}

	/** Reads and checks a model file; {@code withTrainingState} false skips the (large) training state. */
	public static TranslationModel load(Path file, boolean withTrainingState) throws ModelFileException {
		try (ModelArchive archive = ModelArchive.open(file)) {
			ModelDescription d = description(archive);
			Map<String, INDArray> weights = archive.tensors(WEIGHTS);
			for (Map.Entry<String, GeneratorSpec> g : d.generators.entrySet())
				checkWeights(archive, "generator " + g.getKey(), weights, net -> g.getValue().build(net,
						ModelDescription.generatorPrefix(g.getKey()), input(net, g.getValue().inChannels()), 1, 1));
			TrainingState state = null;
			if (withTrainingState && archive.has(TRAINING_STATE)) {
				SavedTrainingState saved = ModelJson.gson().fromJson(
						new String(archive.extra(TRAINING_STATE), StandardCharsets.UTF_8), SavedTrainingState.class);
				if (saved == null || saved.loop == null || saved.optimizerSteps == null)
					throw new ModelFileException(file, "has an incomplete training state; it can translate but not resume training");
				Map<String, INDArray> tensors = archive.tensors(TRAINING);
				for (Map.Entry<String, DiscriminatorSpec> e : d.discriminators.entrySet())
					checkWeights(archive, "discriminator " + e.getKey(), tensors, net -> e.getValue().build(net,
							ModelDescription.discriminatorPrefix(e.getKey()), input(net, e.getValue().inChannels())));
				state = new TrainingState(tensors, saved.optimizerSteps, saved.loop);
			}
			return new TranslationModel(d, weights, state);
		} catch (ModelFileException e) {
			throw e;
		} catch (IOException e) {
			throw new ModelFileException(file, "could not be read: " + e.getMessage());
		}
	}

	/** Reads only the description (fast: no weights are loaded). */
	public static ModelDescription describe(Path file) throws ModelFileException {
		try (ModelArchive archive = ModelArchive.open(file)) {
			return description(archive);
		} catch (ModelFileException e) {
			throw e;
		} catch (IOException e) {
			throw new ModelFileException(file, "could not be read: " + e.getMessage());
		}
	}

	/** Whether {@code file} holds a training state to resume from (without loading it). */
	public static boolean hasTrainingState(Path file) throws ModelFileException {
		try (ModelArchive archive = ModelArchive.open(file)) {
			return archive.has(TRAINING_STATE);
		} catch (ModelFileException e) {
			throw e;
		} catch (IOException e) {
			throw new ModelFileException(file, "could not be read: " + e.getMessage());
		}
	}

	private static ModelDescription description(ModelArchive archive) throws ModelFileException {
		Path file = archive.file();
		ModelDescription d;
		try {
			d = ModelJson.gson().fromJson(archive.descriptionJson(), ModelDescription.class);
		} catch (JsonParseException e) {
			throw new ModelFileException(file, "has an unreadable description (model.json): " + firstLine(e.getMessage()));
		}
		if (!ModelDescription.PIX2PIX.equals(d.kind) && !ModelDescription.CYCLEGAN.equals(d.kind))
			throw new ModelFileException(file, "describes an unknown kind of model '" + d.kind + "'");
		if (d.generators == null || d.generators.isEmpty())
			throw new ModelFileException(file, "describes no generator");
		if (d.domains == null || d.domains.get("A") == null || d.domains.get("B") == null)
			throw new ModelFileException(file, "lacks the description of its image domains A and B");
		if (d.discriminators == null) d.discriminators = new LinkedHashMap<>();
		if (d.history == null) d.history = new java.util.ArrayList<>();
		try {
			for (Map.Entry<String, GeneratorSpec> g : d.generators.entrySet()) {
				String direction = g.getKey();
				if (!direction.matches("[AB]2[AB]"))
					throw new IllegalArgumentException("unknown direction " + direction);
				GeneratorSpec spec = g.getValue().checked();
				DomainDescription from = d.domains.get(ModelDescription.sourceDomain(direction));
				DomainDescription to = d.domains.get(ModelDescription.targetDomain(direction));
				checkDomain(from);
				checkDomain(to);
				if (spec.inChannels() != from.channels || spec.outChannels() != to.channels)
					throw new IllegalArgumentException("generator " + direction + " maps " + spec.inChannels() + " to "
							+ spec.outChannels() + " channels but its domains have " + from.channels + " and " + to.channels);
			}
			for (DiscriminatorSpec s : d.discriminators.values())
				s.checked();
		} catch (IllegalArgumentException | NullPointerException e) {
			throw new ModelFileException(file, "has an inconsistent description: " + e.getMessage());
		}
		return d;
	}

	private static void checkDomain(DomainDescription domain) {
		if (domain.channels < 1) throw new IllegalArgumentException("a domain has " + domain.channels + " channels");
		if (domain.normalization == null || domain.typicalRange == null)
			throw new IllegalArgumentException("a domain lacks its normalisation");
		if (domain.normalization.type() == null) throw new IllegalArgumentException("a domain has an unknown normalisation type");
		int n = domain.typicalRange.size();
		if (n != 1 && n != domain.channels)
			throw new IllegalArgumentException("a domain of " + domain.channels + " channels has an intensity range for " + n);
	}

	private interface NetworkBuilder {
		void build(SameDiffLayers layers);
	}

	private static SDVariable input(SameDiffLayers net, int channels) {
		return net.graph().placeHolder("input", DataType.FLOAT, -1, channels, -1, -1);
	}

	/** Builds a network on {@code weights} to check that every weight it needs is there with its shape. */
	private static void checkWeights(ModelArchive archive, String what, Map<String, INDArray> weights,
			NetworkBuilder builder) throws ModelFileException {
		NativeRuntime.prepare();
		try {
			builder.build(new SameDiffLayers(SameDiff.create(), ParameterStore.of(weights),
					io.github.imagetranslation.engine.nn.NormType.NONE, false));
		} catch (IllegalStateException e) {
			throw new ModelFileException(archive.file(), "does not match its description (" + what + ": " + e.getMessage()
					+ "); re-save or re-train the model");
		}
	}

	private static String firstLine(String s) {
		if (s == null) return "";
		int nl = s.indexOf('\n');
		return nl < 0 ? s : s.substring(0, nl);
	}
}
