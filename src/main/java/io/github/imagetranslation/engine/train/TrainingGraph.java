package io.github.imagetranslation.engine.train;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.github.imagetranslation.engine.nn.ConsoleSilencer;

/**
 * A SameDiff graph with one scalar loss that trains all its networks in one forward and backward pass.
 * Each network's loss reaches only that network's weights: a discriminator sees generated images through
 * stop-gradient, and a generator is judged by a copy of the discriminator whose weights pass through
 * stop-gradient (see {@link io.github.imagetranslation.engine.nn.SameDiffLayers#frozen()}).
 * <p>
 * ND4J frees native memory only when the Java arrays that own it are collected, which can lag many
 * iterations behind and let a training process grow by gigabytes; and SameDiff's execution sessions keep
 * every op's last input and output arrays referenced until the next run, which doubles the memory of a
 * training process (a CycleGAN at 128 px held 10 GB instead of 5). After each step the step's arrays are
 * therefore closed, the sessions dropped and the collector asked to run.
 */
final class TrainingGraph {

	private final SameDiff sd;
	private final List<String> parameters;

	TrainingGraph(SameDiff sd, String loss, Collection<String> parameters) {
		this.sd = sd;
		this.parameters = new ArrayList<>(parameters);
		sd.setLossVariables(loss);
		ConsoleSilencer.silently(() -> {
			sd.createGradFunction();
			return null;
		});
	}

	/** Runs forward and backward; the result must be {@link #release released} after use. */
	OutAndGrad run(Map<String, INDArray> feeds, Collection<String> outputs) {
		return sd.calculateGradientsAndOutputs(feeds, outputs, parameters);
	}

	/** Frees a step's arrays (the graph's outputs and gradients) and lets native memory be reclaimed. */
	void release(OutAndGrad result) {
		closeAll(result.getGradients());
		closeAll(result.getOutputs());
		SessionPurge.purge(sd);
		System.gc();
	}

	private static void closeAll(Map<String, INDArray> arrays) {
		if (arrays == null) return;
		for (INDArray a : arrays.values())
			if (a != null && a.closeable()) a.close();
	}

	SameDiff graph() { return sd; }
}
