package io.github.imagetranslation.engine.train;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Adam over a set of named parameters, updated in place in one pass over each parameter. Its moments and
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
	/** The current step's size and learning rate (see {@link #startStep}). */
	private double stepSize, stepLr;

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
	 * Applies one step with learning rate {@code lr}; the gradient arrays may be overwritten. Parameters without a
	 * gradient (none reached them) are left alone.
	 */
	public void step(Map<String, INDArray> gradients, double lr) {
		startStep(lr);
		for (String name : params.keySet()) {
			INDArray g = gradients.get(name);
			if (g != null) update(name, g);
		}
	}

	/**
	 * Starts a step with learning rate {@code lr}: each parameter then moves when {@link #update} gives it its
	 * gradient, which may be while the gradients of others are still being computed.
	 */
	public void startStep(double lr) {
		double t = steps + 1;
		// libnd4j's Adam: the bias corrections folded into the step size, epsilon where that is not finite
		double size = lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
		stepSize = Double.isNaN(size) || Double.isInfinite(size) || size == 0 ? epsilon : size;
		stepLr = lr;
		steps++;
	}

	/** Whether {@code name} is one of this optimiser's parameters. */
	public boolean updates(String name) {
		return params.containsKey(name);
	}

	/**
	 * Moves parameter {@code name} by this step's update for gradient {@code g} (which may be overwritten).
	 * Plain arrays are updated in one pass of a Java loop over their native memory, split between threads:
	 * libnd4j's native Adam took 136 ms for 42 million weights (a pix2pix U-Net's) where this loop, which also
	 * applies the update, takes about 60 ms, close to the memory's speed. Other arrays (views) go through
	 * libnd4j's op, which computes the same.
	 */
	public void update(String name, INDArray g) {
		INDArray p = params.get(name), mp = m.get(name), vp = v.get(name);
		if (plain(p) && plain(g) && plain(mp) && plain(vp) && p.length() == g.length()) {
			float a = (float) stepSize;
			List<Runnable> chunks = new ArrayList<>();
			for (long from = 0; from < p.length(); from += CHUNK) {
				int start = (int) from, end = (int) Math.min(p.length(), from + CHUNK);
				chunks.add(() -> update(p.data().asNioFloat(), g.data().asNioFloat(), mp.data().asNioFloat(), vp.data().asNioFloat(), start, end,
						a));
			}
			if (chunks.size() == 1) chunks.get(0).run();
			else chunks.parallelStream().forEach(Runnable::run);
		} else {
			Nd4j.exec(new AdamUpdater(g, vp, mp, stepLr, beta1, beta2, epsilon, steps - 1));
			p.subi(g);
		}
	}

	/** Elements per task of the parallel update. */
	private static final int CHUNK = 1 << 18;

	/** Whether {@code a} is a float array that owns its buffer, elements one after the other from its start. */
	private static boolean plain(INDArray a) {
		return a.dataType() == DataType.FLOAT && !a.isView() && a.data().offset() == 0 && a.length() == a.data().length()
				&& a.length() <= Integer.MAX_VALUE && (a.length() == 1 || a.elementWiseStride() == 1);
	}

	/** Adam on elements {@code [from, to)}: the moments updated, the parameters moved by {@code stepSize} times the step. */
	private void update(FloatBuffer p, FloatBuffer g, FloatBuffer mp, FloatBuffer vp, int from, int to, float stepSize) {
		float b1 = (float) beta1, b2 = (float) beta2, c1 = (float) (1 - beta1), c2 = (float) (1 - beta2), eps = (float) epsilon;
		for (int i = from; i < to; i++) {
			float gi = g.get(i);
			float mi = b1 * mp.get(i) + c1 * gi;
			float vi = b2 * vp.get(i) + c2 * gi * gi;
			mp.put(i, mi);
			vp.put(i, vi);
			p.put(i, p.get(i) - stepSize * mi / ((float) Math.sqrt(vi) + eps));
		}
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
