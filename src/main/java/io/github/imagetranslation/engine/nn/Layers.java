package io.github.imagetranslation.engine.nn;

/**
 * The layers a generator is made of, over one representation of activations: graph variables that SameDiff
 * trains and runs ({@link SameDiffLayers}), or arrays computed at once, layer by layer ({@link EagerLayers}). Each
 * generator is written once against this interface, so that training and inference run the same network.
 *
 * @param <T> what an activation is
 */
public interface Layers<T> {

	NormType norm();

	/** Whether dropout layers are active. */
	boolean training();

	/** The same layers with a different normalisation type. */
	Layers<T> withNorm(NormType other);

	/** Convolution with zero padding {@code pad} on every side (PyTorch's {@code Conv2d(in, out, k, stride, pad)}). */
	T conv2d(String name, T x, int in, int out, int k, int stride, int pad, boolean bias);

	/**
	 * Transposed convolution that exactly doubles the plane: kernel 4 with padding 1 (U-Net), or kernel 3 with one
	 * extra output row and column (ResNet).
	 */
	T upsample2x(String name, T x, int in, int out, int k, boolean bias);

	/** This builder's normalisation over {@code channels} channels (identity for {@link NormType#NONE}). */
	T norm(String name, T x, int channels);

	/**
	 * Reflection padding by {@code p} pixels on every side of a plane of {@code height} x {@code width} pixels (-1
	 * where unknown).
	 */
	T reflectionPad(T x, int p, long height, long width);

	/** Inverted dropout of {@code rate} with a mask of {@code shape}; identity when not training. */
	T dropout(String name, T x, long[] shape, double rate);

	T relu(T x);

	T leakyRelu(T x, double alpha);

	T tanh(T x);

	/** Element-wise sum. */
	T add(T x, T y);

	/** {@code x} and {@code y} side by side along the channel axis. */
	T concat(T x, T y);
}
