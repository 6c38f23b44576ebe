package io.github.imagetranslation.engine.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.DeConv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;

import io.github.imagetranslation.engine.nn.ParameterStore.Init;
import io.github.imagetranslation.engine.nn.ops.Normalize;
import io.github.imagetranslation.engine.nn.ops.Crop;
import io.github.imagetranslation.engine.nn.ops.ReflectionPad;
import io.github.imagetranslation.engine.nn.ops.Relu;

/**
 * Builds the layers the generators and discriminators are made of into one SameDiff graph (NCHW, float32),
 * taking their weights from a {@link ParameterStore}. Blocks that SameDiff lacks or gets wrong are made here:
 * reflection padding and instance/batch normalisation (with the reference's epsilon) as native ops with gradients
 * of this project's own (package {@code nn.ops}; SameDiff's reflect pad has a wrong gradient and its batch norm
 * none that works), each also available composed from generic ops as the straightforward definition the fast
 * form is tested against; dropout as a multiplication by a mask fed from outside (SameDiff's dropout ops have no
 * gradient).
 * <p>
 * A network can be built a second time on the same weights with {@link #frozen()}: it then reads its weights
 * as constants sharing the parameters' arrays, so a loss on that copy trains only what lies upstream of it (how
 * one graph trains a generator through a discriminator without training the discriminator). Constants have no
 * gradient, so nothing is copied or summed for them: a stop-gradient in their place copied the weights every
 * run and added a gradient of zeros to theirs (2.8 million floats each for a PatchGAN discriminator).
 */
public final class SameDiffLayers implements Layers<SDVariable> {

	/** Epsilon added to the variance in instance and batch normalisation (PyTorch's default). */
	public static final double NORM_EPSILON = 1e-5;

	/** A dropout layer's mask placeholder and the shape of its input. */
	public static final class DropoutSite {
		public final String placeholder;
		public final long[] shape;
		public final double rate;

		DropoutSite(String placeholder, long[] shape, double rate) {
			this.placeholder = placeholder;
			this.shape = shape;
			this.rate = rate;
		}
	}

	private final SameDiff sd;
	private final ParameterStore params;
	private final NormType norm;
	private final boolean training;
	private final boolean frozen;
	private final List<DropoutSite> dropoutSites;
	private final Map<String, SDVariable> frozenViews;
	private final boolean composed;

	/**
	 * @param training whether dropout layers are active (they then need their masks fed as placeholders)
	 */
	public SameDiffLayers(SameDiff sd, ParameterStore params, NormType norm, boolean training) {
		this(sd, params, norm, training, false, new ArrayList<>(), new HashMap<>(), false);
	}

	private SameDiffLayers(SameDiff sd, ParameterStore params, NormType norm, boolean training, boolean frozen,
			List<DropoutSite> dropoutSites, Map<String, SDVariable> frozenViews, boolean composed) {
		ConvolutionRouting.attach(sd);
		this.sd = sd;
		this.params = params;
		this.norm = norm;
		this.training = training;
		this.frozen = frozen;
		this.dropoutSites = dropoutSites;
		this.frozenViews = frozenViews;
		this.composed = composed;
	}

	/** The same graph and weights with a different normalisation type. */
	@Override
	public SameDiffLayers withNorm(NormType other) {
		return new SameDiffLayers(sd, params, other, training, frozen, dropoutSites, frozenViews, composed);
	}

	/** The same graph and weights, the weights read as constants (no gradient reaches them through this copy). */
	public SameDiffLayers frozen() {
		return new SameDiffLayers(sd, params, norm, training, true, dropoutSites, frozenViews, composed);
	}

	/**
	 * The same graph and weights, with normalisation, reflection padding and ReLU composed of generic ops (the
	 * straightforward definitions) instead of the native ops, and the kernel-3 transposed convolution in libnd4j's
	 * own "same" mode: for tests that the fast forms compute the same.
	 */
	SameDiffLayers composed() {
		return new SameDiffLayers(sd, params, norm, training, frozen, dropoutSites, frozenViews, true);
	}

	public SameDiff graph() { return sd; }

	@Override
	public NormType norm() { return norm; }

	@Override
	public boolean training() { return training; }

	/** Dropout masks this graph needs fed when training, in creation order. */
	public List<DropoutSite> dropoutSites() {
		return Collections.unmodifiableList(dropoutSites);
	}

	/** The graph variable for parameter {@code name}, creating the parameter if needed. */
	public SDVariable param(String name, long[] shape, Init init) {
		SDVariable var = sd.getVariable(name);
		if (var == null)
			var = sd.var(name, params.getOrCreate(name, shape, init));
		if (!frozen) return var;
		SDVariable view = frozenViews.get(name);
		if (view == null) {
			INDArray weights = sd.getArrForVarName(name);
			view = sd.constant(name + "-frozen", weights);
			if (sd.getArrForVarName(view.name()) != weights)
				throw new IllegalStateException("Parameter " + name + " is a view of another array; frozen copies need the parameter's own array");
			frozenViews.put(name, view);
		}
		return view;
	}

	/** Convolution with zero padding {@code pad} on every side (PyTorch's {@code Conv2d(in, out, k, stride, pad)}). */
	@Override
	public SDVariable conv2d(String name, SDVariable x, int in, int out, int k, int stride, int pad, boolean bias) {
		SDVariable w = param(name + ".W", new long[] { k, k, in, out }, Init.WEIGHT);
		Conv2DConfig config = Conv2DConfig.builder().kH(k).kW(k).sH(stride).sW(stride).pH(pad).pW(pad)
				.paddingMode(PaddingMode.VALID).dataFormat(Conv2DConfig.NCHW).weightsFormat(WeightsFormat.YXIO).build();
		if (!bias) return sd.cnn().conv2d(x, w, config);
		SDVariable b = param(name + ".b", new long[] { out }, Init.ZERO);
		return sd.cnn().conv2d(x, w, b, config);
	}

	/**
	 * Transposed convolution that exactly doubles the plane: kernel 4 with padding 1 (as in the U-Net), or
	 * kernel 3 with one extra output row and column (PyTorch's {@code output_padding=1}, as in the ResNet
	 * generator; the output grid is offset by one pixel relative to PyTorch's, which changes nothing for a
	 * network trained here).
	 * <p>
	 * The kernel-3 form is libnd4j's "same" mode, computed as the full ("valid", 2n+1) transposed convolution
	 * without its last row and column: libnd4j hands only the valid mode to oneDNN, and its own same mode was
	 * measured 3-7 times slower (48 ms instead of 7 ms for 256 to 128 channels at 32 px).
	 */
	@Override
	public SDVariable upsample2x(String name, SDVariable x, int in, int out, int k, boolean bias) {
		if (k != 3 && k != 4) throw new IllegalArgumentException("Transposed convolution kernel must be 3 or 4, got " + k);
		SDVariable w = param(name + ".W", new long[] { k, k, out, in }, Init.WEIGHT);
		boolean sameMode = composed && k == 3;
		DeConv2DConfig config = DeConv2DConfig.builder().kH(k).kW(k).sH(2).sW(2).pH(k == 4 ? 1 : 0).pW(k == 4 ? 1 : 0)
				.isSameMode(sameMode).dataFormat(DeConv2DConfig.NCHW).build();
		SDVariable y = bias ? sd.cnn().deconv2d(x, w, param(name + ".b", new long[] { out }, Init.ZERO), config)
				: sd.cnn().deconv2d(x, w, config);
		if (k == 4 || sameMode) return y;
		return Crop.lastRowAndColumnOff(sd, y);
	}

	/**
	 * This builder's normalisation over {@code channels} channels (identity for {@link NormType#NONE}), as one
	 * native op with a native gradient ({@link Normalize}); the same function as {@link #standardize} composed of
	 * generic ops, at a fraction of the time and memory.
	 */
	@Override
	public SDVariable norm(String name, SDVariable x, int channels) {
		switch (norm) {
			case INSTANCE:
				return standardizePlanes(name, x, channels);
			case BATCH: {
				SDVariable gain = param(name + ".gamma", new long[] { 1, channels, 1, 1 }, Init.SCALE);
				SDVariable shift = param(name + ".beta", new long[] { 1, channels, 1, 1 }, Init.ZERO);
				// batch statistics while training; per image at inference, so that images or tiles
				// translated together do not change each other
				if (!training) return standardizePlanes(name, x, channels).mul(gain).add(shift);
				if (composed) return standardize(x, 0, 2, 3).mul(gain).add(shift);
				return Normalize.normalize(sd, x, 4, PER_CHANNEL, gain.reshape(channels), shift.reshape(channels), NORM_EPSILON);
			}
			default:
				return x;
		}
	}

	private static final int[] PER_IMAGE_AND_CHANNEL = { 0, 1 }, PER_CHANNEL = { 1 };

	/**
	 * Standardises each sample's planes with their own statistics (native op, or composed in {@link #composed()}
	 * builders).
	 */
	private SDVariable standardizePlanes(String name, SDVariable x, int channels) {
		return composed ? standardize(x, 2, 3) : Normalize.normalize(sd, x, 4, PER_IMAGE_AND_CHANNEL, null, null, NORM_EPSILON);
	}

	/**
	 * (x - mean) / sqrt(var + eps) over {@code dims}, with the biased variance as PyTorch's norms use, composed of
	 * generic ops: the straightforward definition that {@link #norm} is tested against.
	 */
	SDVariable standardize(SDVariable x, int... dims) {
		SDVariable centred = x.sub(sd.mean(x, true, dims));
		SDVariable variance = sd.mean(sd.math().square(centred), true, dims);
		return centred.mul(sd.math().rsqrt(variance.add(NORM_EPSILON)));
	}

	/**
	 * Reflection padding by {@code p} pixels on every side of the plane (no edge pixel repeated), composed of slices
	 * and concatenations: works for any plane size without knowing it, at the cost of several copies of the data
	 * forwards and backwards. {@link #reflectionPad(SDVariable, int, long, long)} is the fast form.
	 */
	public SDVariable reflectionPad(SDVariable x, int p) {
		if (p == 0) return x;
		return reflect(reflect(x, 2, p), 3, p);
	}

	/**
	 * Reflection padding by {@code p} pixels of a plane of {@code height} x {@code width} pixels, as one native op
	 * with a lean gradient ({@link ReflectionPad}). The size may be -1 (unknown) in graphs that are only run forwards.
	 */
	@Override
	public SDVariable reflectionPad(SDVariable x, int p, long height, long width) {
		if (p == 0) return x;
		if (composed) return reflectionPad(x, p);
		return ReflectionPad.pad(sd, x, p, height, width);
	}

	private SDVariable reflect(SDVariable x, int axis, int p) {
		SDVariable[] parts = new SDVariable[2 * p + 1];
		for (int i = 0; i < p; i++) {
			parts[i] = slice(x, axis, p - i, p - i + 1);
			parts[p + 1 + i] = slice(x, axis, -2 - i, -1 - i);
		}
		parts[p] = x;
		return sd.concat(axis, parts);
	}

	private static SDVariable slice(SDVariable x, int axis, long from, long to) {
		SDIndex[] index = { SDIndex.all(), SDIndex.all(), SDIndex.all(), SDIndex.all() };
		index[axis] = SDIndex.interval(from, to);
		return x.get(index);
	}

	/**
	 * Inverted dropout of {@code rate}: multiplies by a mask placeholder of {@code shape} (0 or 1 / (1 - rate)
	 * per element) that the trainer fills; identity when this builder is not for training.
	 */
	@Override
	public SDVariable dropout(String name, SDVariable x, long[] shape, double rate) {
		if (!training || rate <= 0) return x;
		String placeholder = name + ".mask";
		SDVariable mask = sd.getVariable(placeholder);
		if (mask == null) {
			mask = sd.placeHolder(placeholder, DataType.FLOAT, shape);
			dropoutSites.add(new DropoutSite(placeholder, shape, rate));
		}
		return x.mul(mask);
	}

	/** max(x, 0); a native op with a fast gradient, or SameDiff's own in {@link #composed()} form. */
	@Override
	public SDVariable relu(SDVariable x) {
		return composed ? sd.nn().relu(x, 0) : Relu.relu(sd, x);
	}

	@Override
	public SDVariable leakyRelu(SDVariable x, double alpha) {
		return sd.nn().leakyRelu(x, alpha);
	}

	@Override
	public SDVariable tanh(SDVariable x) {
		return sd.math().tanh(x);
	}

	@Override
	public SDVariable add(SDVariable x, SDVariable y) {
		return x.add(y);
	}

	@Override
	public SDVariable concat(SDVariable x, SDVariable y) {
		return sd.concat(1, x, y);
	}
}
