package io.github.imagetranslation.engine.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;

import io.github.imagetranslation.engine.nn.GeneratorSpec;

/**
 * A trained (or partly trained) translation model in memory: its description, its generators' weights and,
 * optionally, the state needed to resume training. Read and written by {@link ModelFile}; translated with by
 * {@link io.github.imagetranslation.engine.infer.Translator}.
 */
public final class TranslationModel {

	private final ModelDescription description;
	private final Map<String, INDArray> generatorWeights;
	private final TrainingState trainingState;

	public TranslationModel(ModelDescription description, Map<String, INDArray> generatorWeights,
			TrainingState trainingState) {
		this.description = description;
		this.generatorWeights = new LinkedHashMap<>(generatorWeights);
		this.trainingState = trainingState;
	}

	public ModelDescription description() { return description; }

	/** All generators' weights by name. */
	public Map<String, INDArray> generatorWeights() { return Collections.unmodifiableMap(generatorWeights); }

	/** The weights of the generator for {@code direction}. */
	public Map<String, INDArray> generatorWeights(String direction) {
		String prefix = ModelDescription.generatorPrefix(direction);
		Map<String, INDArray> out = new LinkedHashMap<>();
		generatorWeights.forEach((k, v) -> {
			if (k.startsWith(prefix)) out.put(k, v);
		});
		return out;
	}

	/** The state to resume training from, or null if the file holds none. */
	public TrainingState trainingState() { return trainingState; }

	/** "pix2pix" or "cyclegan". */
	public String kind() { return description.kind; }

	/** Translation directions this model offers ("A2B", and "B2A" for CycleGAN). */
	public List<String> directions() {
		return new ArrayList<>(description.generators.keySet());
	}

	public GeneratorSpec generator(String direction) {
		GeneratorSpec spec = description.generators.get(direction);
		if (spec == null)
			throw new IllegalArgumentException("This " + kind() + " model has no direction " + direction + "; it offers "
					+ String.join(", ", directions()));
		return spec;
	}

	public DomainDescription domain(String name) {
		return description.domains.get(name);
	}

	/** The same model without its training state (for sharing a smaller file). */
	public TranslationModel withoutTrainingState() {
		return new TranslationModel(description, generatorWeights, null);
	}
}
