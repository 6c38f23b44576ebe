package io.github.imagetranslation.engine.model;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;

import io.github.imagetranslation.engine.train.GanTrainer;

/**
 * Everything beyond the generators that a training run needs to continue exactly: discriminator weights,
 * optimiser moments and step counts, image pools, and the loop's position and random state. Optional in a
 * model file (a model shared for translation only need not carry it).
 */
public final class TrainingState {

	/** Tensors by name (discriminator weights {@code D_*}, moments {@code opt_<net>/m/*}, pools). */
	public final Map<String, INDArray> tensors;
	/** Adam steps taken, by optimiser name. */
	public final LinkedHashMap<String, Integer> optimizerSteps;
	public final GanTrainer.LoopState loop;

	public TrainingState(Map<String, INDArray> tensors, Map<String, Integer> optimizerSteps, GanTrainer.LoopState loop) {
		this.tensors = new LinkedHashMap<>(tensors);
		this.optimizerSteps = new LinkedHashMap<>(optimizerSteps);
		this.loop = loop;
	}
}
