package io.github.imagetranslation.engine.nn;

import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A generator for inference, run layer by layer on arrays ({@link EagerLayers}) rather than as a SameDiff graph:
 * the same network and weights as the graph that trained it, in less memory, with nothing to build per image
 * and with normalisation statistics that can be shared by several tiles. The weights are taken as fixed for the
 * generator's lifetime (oneDNN's layers keep copies in their own layout): after they change, make a new generator.
 */
public final class EagerGenerator {

	/** Mean and biased variance that normalisation layers standardise with instead of each sample's own. */
	public interface Statistics {
		/**
		 * {@code {mean, variance}} (one value per channel each) for normalisation layer {@code layer} (numbered
		 * from 0 in the order of {@link #normChannels()}) given its input in every part, or null for each
		 * sample's own statistics. May throw to stop the run (its arrays are then freed).
		 */
		float[][] of(int layer, INDArray[] inputs);
	}

	private final GeneratorSpec spec;
	private final Map<String, INDArray> weights;
	private final String prefix;
	private final int[] uses;
	private final int[] normChannels;
	private final OneDnnPrimitives primitives;

	/** The generator of {@code spec} with {@code weights} named {@code prefix + layer}. */
	public EagerGenerator(GeneratorSpec spec, Map<String, INDArray> weights, String prefix) {
		NativeRuntime.prepare();
		this.spec = spec;
		this.weights = weights;
		this.prefix = prefix;
		EagerLayers plan = EagerLayers.planning(spec.norm());
		spec.build(plan, prefix, plan.input(null), -1, -1);
		uses = plan.uses();
		normChannels = plan.normChannels();
		primitives = OneDnnPrimitives.available() ? new OneDnnPrimitives() : null;
	}

	public GeneratorSpec spec() { return spec; }

	/** Channels of each normalisation layer, in the order the network uses them. */
	public int[] normChannels() { return normChannels.clone(); }

	/**
	 * The network's output for each part of the input ({@code [n, inChannels, h, w]} each, heights and widths
	 * multiples of {@link GeneratorSpec#sizeMultiple()}), every layer run over all parts before the next. The
	 * inputs are left as they are; the outputs are the caller's to close.
	 *
	 * @param statistics where normalisation layers take their statistics from; null for each sample's own
	 */
	public INDArray[] run(INDArray[] parts, Statistics statistics) {
		EagerLayers layers = EagerLayers.computing(weights, spec.norm(), uses, statistics, primitives);
		try {
			return layers.release(spec.build(layers, prefix, layers.input(parts), -1, -1));
		} finally {
			layers.closeAll();
		}
	}
}
