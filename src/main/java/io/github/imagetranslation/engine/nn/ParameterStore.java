package io.github.imagetranslation.engine.nn;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.github.imagetranslation.engine.random.SplitMix64;

/**
 * The named weight arrays of one or more networks. Building a network into a graph takes its weights from
 * here, creating (and initialising, as the reference implementation does) those that are missing, so the same
 * store serves a fresh network, a loaded model and several graphs that share weights.
 */
public final class ParameterStore {

	/** How a newly created parameter is initialised. */
	public enum Init {
		/** normal(0, 0.02): convolution weights. */
		WEIGHT,
		/** normal(1, 0.02): normalisation scales. */
		SCALE,
		/** zeros: biases and shifts. */
		ZERO
	}

	private static final double INIT_STD = 0.02;

	private final Map<String, INDArray> arrays = new LinkedHashMap<>();
	private final SplitMix64 random;

	/** An empty store whose new parameters are drawn from {@code random}. */
	public ParameterStore(SplitMix64 random) {
		this.random = random;
	}

	/** A store holding {@code arrays} (not copied); creating a missing parameter is then an error. */
	public static ParameterStore of(Map<String, INDArray> arrays) {
		ParameterStore store = new ParameterStore(null);
		store.arrays.putAll(arrays);
		return store;
	}

	/** The parameter called {@code name}, created with {@code init} if it does not exist yet. */
	public INDArray getOrCreate(String name, long[] shape, Init init) {
		INDArray existing = arrays.get(name);
		if (existing != null) {
			if (!Arrays.equals(existing.shape(), shape))
				throw new IllegalStateException("Parameter " + name + " has shape " + Arrays.toString(existing.shape())
						+ " but the network needs " + Arrays.toString(shape));
			return existing;
		}
		if (random == null)
			throw new IllegalStateException("Parameter " + name + " is missing");
		INDArray created = create(shape, init);
		arrays.put(name, created);
		return created;
	}

	/**
	 * Draws the values straight into the array's native memory: drawn into a Java array first, a U-Net's 42 million
	 * weights were 170 MB of Java garbage that grew the heap (and the process's resident memory) for good.
	 */
	private INDArray create(long[] shape, Init init) {
		if (init == Init.ZERO) return Nd4j.zeros(DataType.FLOAT, shape);
		INDArray created = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
		FloatBuffer values = created.data().asNioFloat();
		double mean = init == Init.SCALE ? 1 : 0;
		for (int i = 0, n = Math.toIntExact(created.length()); i < n; i++)
			values.put(i, (float) (mean + INIT_STD * random.nextGaussian()));
		return created;
	}

	/** All parameters in creation order (read-only view; the arrays themselves are live). */
	public Map<String, INDArray> arrays() {
		return Collections.unmodifiableMap(arrays);
	}

	/** Parameters whose names start with {@code prefix}, in creation order. */
	public Map<String, INDArray> withPrefix(String prefix) {
		Map<String, INDArray> out = new LinkedHashMap<>();
		arrays.forEach((k, v) -> {
			if (k.startsWith(prefix)) out.put(k, v);
		});
		return out;
	}

	/** Total number of weights whose names start with {@code prefix}. */
	public long count(String prefix) {
		return withPrefix(prefix).values().stream().mapToLong(INDArray::length).sum();
	}
}
