package io.github.imagetranslation.engine.train;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Adam over a set of named parameters, updated in place with ND4J's fused native Adam step. Its moments and
 * step count are part of a saved training state, so a resumed run continues exactly.
 */
public final class AdamOptimizer {

	private final Map<String, INDArray> params;
	private final Map<String, INDArray> m = new LinkedHashMap<>();
	private final Map<String, INDArray> v = new LinkedHashMap<>();
	private final double beta1;
	private final double beta2;
	private final double epsilon;
	private int steps;

	public AdamOptimizer(Map<String, INDArray> params, double beta1, double beta2, double epsilon) {
		this.params = new LinkedHashMap<>(params);
		this.beta1 = beta1;
		this.beta2 = beta2;
		this.epsilon = epsilon;
		params.forEach((name, p) -> {
			m.put(name, Nd4j.zeros(DataType.FLOAT, p.shape()));
			v.put(name, Nd4j.zeros(DataType.FLOAT, p.shape()));
		});
	}

	/**
	 * Applies one step with learning rate {@code lr}. The gradient arrays are overwritten with the updates.
	 * Parameters without a gradient (none reached them) are left alone.
	 */
	public void step(Map<String, INDArray> gradients, double lr) {
		for (Map.Entry<String, INDArray> e : params.entrySet()) {
			INDArray g = gradients.get(e.getKey());
			if (g == null) continue;
			Nd4j.exec(new AdamUpdater(g, v.get(e.getKey()), m.get(e.getKey()), lr, beta1, beta2, epsilon, steps));
			e.getValue().subi(g);
		}
		steps++;
	}

	/** Steps taken so far. */
	public int steps() { return steps; }

	/** Moments as {@code m/<param>} and {@code v/<param>} (live arrays). */
	public Map<String, INDArray> moments() {
		Map<String, INDArray> out = new LinkedHashMap<>();
		m.forEach((k, a) -> out.put("m/" + k, a));
		v.forEach((k, a) -> out.put("v/" + k, a));
		return out;
	}

	/** Restores moments saved by {@link #moments()} and the step count. */
	public void restore(Map<String, INDArray> moments, int steps) {
		for (String name : params.keySet()) {
			INDArray sm = moments.get("m/" + name), sv = moments.get("v/" + name);
			if (sm == null || sv == null)
				throw new IllegalArgumentException("Saved optimiser state has no moments for " + name);
			m.get(name).assign(sm);
			v.get(name).assign(sv);
		}
		this.steps = steps;
	}
}
