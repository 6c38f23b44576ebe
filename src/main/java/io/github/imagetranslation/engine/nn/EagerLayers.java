package io.github.imagetranslation.engine.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Layers computed at once, as the network is built, on arrays: inference without a graph. Every activation is
 * a list of parts (one per tile, or one for a whole image), and each layer runs over all parts before the next
 * starts, so a normalisation layer can see its input in every part before it normalises any of them (how tiles
 * share statistics of the whole image, see {@link EagerGenerator.Statistics}).
 * <p>
 * Memory is handed back as soon as nothing needs it: a first, planning build counts how often each activation is
 * used, and the real build closes an activation's arrays at its last use, or computes the layer in place in them.
 * A network's peak is therefore a few activations of one part plus whatever the parts keep between layers, where
 * a graph session keeps far more and frees some arrays only when they are garbage collected.
 * <p>
 * Where oneDNN's own library is there ({@link OneDnnPrimitives}), convolutions, normalisation, padding and the
 * element-wise layers run through it and parts stay in its blocked layout from layer to layer; a part is brought
 * back to ND4J's plain layout only where a layer needs it (statistics shared by tiles, several samples per part,
 * the network's output). Elsewhere every layer is an ND4J operation.
 */
final class EagerLayers implements Layers<EagerLayers.Activation> {

	/**
	 * One activation: an array per part, {@code [n, C, h, w]} or, where oneDNN computed it, the same elements in
	 * oneDNN's layout (see {@link #layouts}).
	 */
	static final class Activation {
		final int id;
		private INDArray[] parts;
		/** How each part's elements lie, null for ND4J's plain {@code [n, C, h, w]} (all plain when the array is null). */
		private OneDnnPrimitives.Layout[] layouts;
		/** False for arrays the caller owns (the network's input), which are never closed or overwritten here. */
		private final boolean owned;
		private int remainingUses;

		private Activation(int id, INDArray[] parts, OneDnnPrimitives.Layout[] layouts, boolean owned) {
			this.id = id;
			this.parts = parts;
			this.layouts = layouts;
			this.owned = owned;
		}

		INDArray[] parts() { return parts; }

		OneDnnPrimitives.Layout layout(int part) {
			return layouts == null ? null : layouts[part];
		}
	}

	private final Map<String, INDArray> weights;
	private final NormType norm;
	/** Uses per activation, from the planning build; null while planning. */
	private final int[] uses;
	private final EagerGenerator.Statistics statistics;
	/** Where convolutions and normalisation run when oneDNN's own library is there; null: ND4J's operations. */
	private final OneDnnPrimitives primitives;
	/** Shared by the builders {@link #withNorm} makes, so that activations and layers are numbered once. */
	private final State state;

	private static final class State {
		final List<Integer> useCounts = new ArrayList<>();
		final List<Integer> normChannels = new ArrayList<>();
		final List<Activation> live = new ArrayList<>();
	}

	private EagerLayers(Map<String, INDArray> weights, NormType norm, int[] uses, EagerGenerator.Statistics statistics,
			OneDnnPrimitives primitives, State state) {
		this.weights = weights;
		this.norm = norm;
		this.uses = uses;
		this.statistics = statistics;
		this.primitives = primitives;
		this.state = state;
	}

	/** A builder that computes nothing and counts how often each activation is used. */
	static EagerLayers planning(NormType norm) {
		return new EagerLayers(null, norm, null, null, null, new State());
	}

	/**
	 * A builder that computes, with {@code uses} from a planning build of the same network, the weights by name,
	 * the statistics normalisation layers use (null: each sample's own), and where convolutions and normalisation run
	 * (null: ND4J).
	 */
	static EagerLayers computing(Map<String, INDArray> weights, NormType norm, int[] uses, EagerGenerator.Statistics statistics,
			OneDnnPrimitives primitives) {
		return new EagerLayers(weights, norm, uses, statistics, primitives, new State());
	}

	/** The network's input: {@code parts} belong to the caller. */
	Activation input(INDArray[] parts) {
		return create(parts, null, false);
	}

	/** After a planning build: how often each activation was used, by creation order. */
	int[] uses() {
		return state.useCounts.stream().mapToInt(Integer::intValue).toArray();
	}

	/** After a build: the channels of each normalisation layer in the order they were used. */
	int[] normChannels() {
		return state.normChannels.stream().mapToInt(Integer::intValue).toArray();
	}

	/** Takes the arrays of {@code output} out of this build's keeping; they are then the caller's to close. */
	INDArray[] release(Activation output) {
		plain(output);
		INDArray[] parts = output.parts;
		output.parts = null;
		return parts;
	}

	/** Closes every array this build still holds: all but a released output, everything after a failure. */
	void closeAll() {
		for (Activation a : state.live)
			if (a.owned && a.parts != null) {
				for (INDArray p : a.parts)
					if (p != null && !p.wasClosed()) p.close();
				a.parts = null;
			}
		state.live.clear();
	}

	private boolean planning() {
		return uses == null;
	}

	private Activation create(INDArray[] parts, OneDnnPrimitives.Layout[] layouts, boolean owned) {
		int id = state.useCounts.size();
		state.useCounts.add(0);
		Activation a = new Activation(id, parts, layouts, owned);
		if (!planning()) {
			a.remainingUses = uses[id];
			state.live.add(a);
		}
		return a;
	}

	/** Counts one use of {@code x}; true when it was the last and {@code x}'s arrays may be closed or overwritten. */
	private boolean consume(Activation x) {
		state.useCounts.set(x.id, state.useCounts.get(x.id) + 1);
		if (planning()) return false;
		return --x.remainingUses == 0 && x.owned;
	}

	/** Frees part {@code i} of {@code x} unless the result {@code kept} is that same array. */
	private static void free(Activation x, int i, INDArray kept) {
		INDArray p = x.parts[i];
		if (p != kept) p.close();
		x.parts[i] = null;
	}

	private interface PartOperation {
		INDArray apply(INDArray part, boolean inPlace);
	}

	/**
	 * Applies {@code operation} to every part of {@code x} in ND4J's plain layout, in place where this is
	 * {@code x}'s last use.
	 */
	private Activation map(Activation x, PartOperation operation) {
		return mapLaid(x, (p, layout, inPlace) -> new OneDnnPrimitives.Laid(operation.apply(p, inPlace), null), false);
	}

	private interface LaidOperation {
		OneDnnPrimitives.Laid apply(INDArray part, OneDnnPrimitives.Layout layout, boolean inPlace);
	}

	/**
	 * Applies {@code operation} to every part of {@code x} as it lies ({@code anyLayout}) or in ND4J's plain layout,
	 * in place where this is {@code x}'s last use.
	 */
	private Activation mapLaid(Activation x, LaidOperation operation, boolean anyLayout) {
		boolean last = consume(x);
		if (planning()) return create(null, null, true);
		if (!anyLayout) plain(x);
		INDArray[] out = new INDArray[x.parts.length];
		OneDnnPrimitives.Layout[] layouts = new OneDnnPrimitives.Layout[out.length];
		for (int i = 0; i < out.length; i++) {
			OneDnnPrimitives.Laid y = operation.apply(x.parts[i], x.layout(i), last);
			out[i] = y.data;
			layouts[i] = y.layout;
			if (last) free(x, i, out[i]);
		}
		return create(out, layouts, true);
	}

	/** Brings every part of {@code x} that lies in a oneDNN layout to ND4J's plain layout, in the activation itself. */
	private void plain(Activation x) {
		if (planning() || x.layouts == null) return;
		for (int i = 0; i < x.parts.length; i++)
			if (x.layouts[i] != null) {
				INDArray p = primitives.plain(x.parts[i], x.layouts[i]);
				x.parts[i].close();
				x.parts[i] = p;
				x.layouts[i] = null;
			}
	}

	@Override
	public NormType norm() { return norm; }

	@Override
	public boolean training() { return false; }

	@Override
	public EagerLayers withNorm(NormType other) {
		return new EagerLayers(weights, other, uses, statistics, primitives, state);
	}

	private INDArray weight(String name) {
		INDArray w = weights.get(name);
		if (w == null) throw new IllegalArgumentException("The model has no weights named " + name);
		return w;
	}

	/** {@code p} followed by layer {@code name}'s weights and, with {@code bias}, its bias. */
	private INDArray[] withWeights(INDArray p, String name, boolean bias) {
		return bias ? new INDArray[] { p, weight(name + ".W"), weight(name + ".b") } : new INDArray[] { p, weight(name + ".W") };
	}

	@Override
	public Activation conv2d(String name, Activation x, int in, int out, int k, int stride, int pad, boolean bias) {
		if (primitives != null)
			return mapLaid(x, (p, layout, inPlace) -> primitives.conv2d(name, p, layout, weight(name + ".W"), bias ? weight(name + ".b") : null,
					k, stride, pad), true);
		return map(x, (p, inPlace) -> {
			DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("conv2d").addInputs(withWeights(p, name, bias));
			// kernel, stride, zero padding, dilation 1, not "same" mode, NCHW, weights [kH, kW, in, out]
			return exec(op.addIntegerArguments(k, k, stride, stride, pad, pad, 1, 1, 0, 0, 0).build(), true);
		});
	}

	@Override
	public Activation upsample2x(String name, Activation x, int in, int out, int k, boolean bias) {
		if (k != 3 && k != 4) throw new IllegalArgumentException("Transposed convolution kernel must be 3 or 4, got " + k);
		if (primitives != null)
			return mapLaid(x, (p, layout, inPlace) -> primitives.upsample2x(name, p, layout, weight(name + ".W"),
					bias ? weight(name + ".b") : null, k), true);
		return map(x, (p, inPlace) -> {
			DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("deconv2d").addInputs(withWeights(p, name, bias));
			int pad = k == 4 ? 1 : 0;
			INDArray y = exec(op.addIntegerArguments(k, k, 2, 2, pad, pad, 1, 1, 0, 0).build(),
					ConvolutionRouting.usesOneDnn(p.size(2) * p.size(3)));
			if (k == 4) return y;
			// kernel 3: the full transposed convolution (2n + 1) without its last row and column, as SameDiffLayers
			INDArray cropped = y.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, y.size(2) - 1),
					NDArrayIndex.interval(0, y.size(3) - 1)).dup('c');
			y.close();
			return cropped;
		});
	}

	@Override
	public Activation norm(String name, Activation x, int channels) {
		if (norm == NormType.NONE) return x;
		int layer = state.normChannels.size();
		state.normChannels.add(channels);
		if (planning()) return map(x, null);
		if (statistics != null) plain(x);
		float[][] fixed = statistics == null ? null : statistics.of(layer, x.parts);
		INDArray gain = norm == NormType.BATCH ? weight(name + ".gamma") : null;
		INDArray shift = norm == NormType.BATCH ? weight(name + ".beta") : null;
		if (primitives != null && (fixed != null || singleSamples(x)))
			return mapLaid(x, (p, layout, inPlace) -> primitives.normalize(name, p, layout, fixed, gain, shift, inPlace), true);
		INDArray mean = fixed == null ? null : Nd4j.create(fixed[0]), variance = fixed == null ? null : Nd4j.create(fixed[1]);
		try {
			return map(x, (p, inPlace) -> {
				INDArray y = fixed != null ? standardize(p, mean, variance, PER_CHANNEL, inPlace) : standardizePlanes(p, inPlace);
				if (gain != null) y.muli(gain).addi(shift);
				return y;
			});
		} finally {
			if (mean != null) {
				mean.close();
				variance.close();
			}
		}
	}

	/**
	 * Each sample's planes standardised by their own mean and biased variance. A single sample goes through
	 * oneDNN's normalisation per channel (1.3 ms against 3.1 ms for 256 channels of 64x64 px).
	 */
	private static INDArray standardizePlanes(INDArray p, boolean inPlace) {
		boolean single = p.size(0) == 1;
		DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("moments").addInputs(p);
		op = single ? op.addIntegerArguments(0, 2, 3).addBooleanArguments(false) : op.addIntegerArguments(2, 3).addBooleanArguments(true);
		INDArray[] moments = execAll(op.build(), true);
		try {
			return standardize(p, moments[0], moments[1], single ? PER_CHANNEL : PER_SAMPLE_AND_CHANNEL, inPlace);
		} finally {
			moments[0].close();
			moments[1].close();
		}
	}

	/** libnd4j batchnorm's integer arguments: no scale, no shift, then the axes the statistics are kept for. */
	private static final int[] PER_CHANNEL = { 0, 0, 1 }, PER_SAMPLE_AND_CHANNEL = { 0, 0, 0, 1 };

	/** (p - mean) / sqrt(variance + eps), the statistics per index of the axes {@code arguments} name (libnd4j batchnorm). */
	private static INDArray standardize(INDArray p, INDArray mean, INDArray variance, int[] arguments, boolean inPlace) {
		DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("batchnorm").addInputs(p, mean, variance)
				.addIntegerArguments(arguments).addFloatingPointArguments(SameDiffLayers.NORM_EPSILON);
		if (inPlace) {
			Nd4j.exec(op.addOutputs(p).build());
			return p;
		}
		return exec(op.build(), true);
	}

	@Override
	public Activation reflectionPad(Activation x, int pad, long height, long width) {
		if (pad == 0) return x;
		if (primitives != null && plainOrBlocked(x))
			return mapLaid(x, (p, layout, inPlace) -> primitives.reflect(p, layout, pad), true);
		return map(x, (p, inPlace) -> reflect(p, pad));
	}

	/** Whether every part of {@code x} lies in ND4J's plain layout or in oneDNN's layout blocked by 16 channels. */
	private boolean plainOrBlocked(Activation x) {
		if (planning()) return false;
		for (int i = 0; i < x.parts.length; i++)
			if (x.layout(i) != null && !x.layout(i).blocked) return false;
		return true;
	}

	/** Whether every part of {@code x} is one sample in oneDNN's layout blocked by 16 channels. */
	private boolean singleBlocked(Activation x) {
		for (int i = 0; i < x.parts.length; i++)
			if (x.layout(i) == null || !x.layout(i).blocked || x.layout(i).shape[0] != 1) return false;
		return true;
	}

	/**
	 * {@code p} padded by reflection: one copy into the middle of the padded array, then the thin border strips from
	 * inside it. libnd4j's mirror_pad copies element by element and took 50 times as long (176 against 3.5 ms for
	 * 256 channels of 64x64 px), two gathers (one per axis) 1.7 to 3 times as long.
	 */
	private static INDArray reflect(INDArray p, int pad) {
		long h = p.size(2), w = p.size(3);
		if (h <= pad || w <= pad)
			throw new IllegalArgumentException("A plane of " + h + "x" + w + " pixels is too small for reflection padding by " + pad);
		INDArray out = Nd4j.create(p.dataType(), new long[] { p.size(0), p.size(1), h + 2 * pad, w + 2 * pad }, 'c');
		out.get(all(), all(), NDArrayIndex.interval(pad, pad + h), NDArrayIndex.interval(pad, pad + w)).assign(p);
		for (int i = 1; i <= pad; i++) {
			copy(out, 2, pad + i, pad - i, pad, pad + w);
			copy(out, 2, pad + h - 1 - i, pad + h - 1 + i, pad, pad + w);
		}
		for (int i = 1; i <= pad; i++) {
			copy(out, 3, pad + i, pad - i, 0, h + 2 * pad);
			copy(out, 3, pad + w - 1 - i, pad + w - 1 + i, 0, h + 2 * pad);
		}
		return out;
	}

	/** Copies line {@code from} of {@code axis} (2: rows, 3: columns) to line {@code to}, over {@code [start, end)} of the other axis. */
	private static void copy(INDArray a, int axis, long from, long to, long start, long end) {
		INDArrayIndex span = NDArrayIndex.interval(start, end);
		if (axis == 2) a.get(all(), all(), NDArrayIndex.point(to), span).assign(a.get(all(), all(), NDArrayIndex.point(from), span));
		else a.get(all(), all(), span, NDArrayIndex.point(to)).assign(a.get(all(), all(), span, NDArrayIndex.point(from)));
	}

	private static INDArrayIndex all() {
		return NDArrayIndex.all();
	}

	@Override
	public Activation dropout(String name, Activation x, long[] shape, double rate) {
		return x;
	}

	/** Whether every part of {@code x} holds one sample. */
	private static boolean singleSamples(Activation x) {
		for (int i = 0; i < x.parts.length; i++)
			if ((x.layout(i) == null ? x.parts[i].size(0) : x.layout(i).shape[0]) != 1) return false;
		return true;
	}

	// Element-wise layers work on a part's elements wherever they lie (oneDNN's layouts pad channels with zeros,
	// which every one of these maps to zero).

	@Override
	public Activation relu(Activation x) {
		if (primitives != null) return elementWise(x, OneDnnPrimitives.Function.RELU, 0);
		return mapLaid(x, (p, layout, inPlace) -> new OneDnnPrimitives.Laid(Transforms.relu(p, !inPlace), layout), true);
	}

	@Override
	public Activation leakyRelu(Activation x, double alpha) {
		if (primitives != null) return elementWise(x, OneDnnPrimitives.Function.LEAKY_RELU, alpha);
		return mapLaid(x, (p, layout, inPlace) -> new OneDnnPrimitives.Laid(Transforms.leakyRelu(p, alpha, !inPlace), layout), true);
	}

	@Override
	public Activation tanh(Activation x) {
		if (primitives != null) return elementWise(x, OneDnnPrimitives.Function.TANH, 0);
		return mapLaid(x, (p, layout, inPlace) -> new OneDnnPrimitives.Laid(Transforms.tanh(p, !inPlace), layout), true);
	}

	private Activation elementWise(Activation x, OneDnnPrimitives.Function f, double alpha) {
		return mapLaid(x, (p, layout, inPlace) -> new OneDnnPrimitives.Laid(primitives.elementWise(f, p, alpha, inPlace), layout), true);
	}

	@Override
	public Activation add(Activation x, Activation y) {
		boolean alike = !planning();
		for (int i = 0; alike && i < x.parts.length; i++)
			alike = x.layout(i) == null ? y.layout(i) == null : x.layout(i).sameAs(y.layout(i));
		// element by element where both parts lie alike, else in ND4J's plain layout
		return combine(x, y, (a, aLayout, b, bLayout, lastA, lastB) -> new OneDnnPrimitives.Laid(lastA ? a.addi(b) : lastB ? b.addi(a) : a.add(b),
				aLayout), alike);
	}

	@Override
	public Activation concat(Activation x, Activation y) {
		if (!planning() && primitives != null && singleBlocked(x) && singleBlocked(y))
			return combine(x, y, (a, aLayout, b, bLayout, lastA, lastB) -> OneDnnPrimitives.concatBlocked(a, aLayout, b, bLayout), true);
		return combine(x, y, (a, aLayout, b, bLayout, lastA, lastB) -> new OneDnnPrimitives.Laid(Nd4j.concat(1, a, b), null), false);
	}

	private interface PairOperation {
		OneDnnPrimitives.Laid apply(INDArray a, OneDnnPrimitives.Layout aLayout, INDArray b, OneDnnPrimitives.Layout bLayout,
				boolean lastA, boolean lastB);
	}

	/**
	 * Applies {@code operation} to every pair of parts of {@code x} and {@code y} as they lie ({@code asTheyLie}) or
	 * in ND4J's plain layout, freeing each at its last use.
	 */
	private Activation combine(Activation x, Activation y, PairOperation operation, boolean asTheyLie) {
		boolean lastX = consume(x), lastY = consume(y);
		if (planning()) return create(null, null, true);
		if (!asTheyLie) {
			plain(x);
			plain(y);
		}
		INDArray[] out = new INDArray[x.parts.length];
		OneDnnPrimitives.Layout[] layouts = new OneDnnPrimitives.Layout[out.length];
		for (int i = 0; i < out.length; i++) {
			OneDnnPrimitives.Laid result = operation.apply(x.parts[i], x.layout(i), y.parts[i], y.layout(i), lastX, lastY);
			out[i] = result.data;
			layouts[i] = result.layout;
			if (lastX) free(x, i, out[i]);
			if (lastY) free(y, i, out[i]);
		}
		return create(out, layouts, true);
	}

	/**
	 * Runs {@code op} and returns its first output (closing any others), through oneDNN where it has the op, or
	 * with libnd4j's own code when {@code helpers} is false.
	 */
	private static INDArray exec(DynamicCustomOp op, boolean helpers) {
		INDArray[] out = execAll(op, helpers);
		for (int i = 1; i < out.length; i++)
			out[i].close();
		return out[0];
	}

	private static INDArray[] execAll(DynamicCustomOp op, boolean helpers) {
		if (helpers) return Nd4j.exec(op);
		List<LongShapeDescriptor> shapes = Nd4j.getExecutioner().calculateOutputShape(op);
		INDArray[] out = new INDArray[shapes.size()];
		for (int i = 0; i < out.length; i++)
			out[i] = Nd4j.create(shapes.get(i).dataType() == null ? DataType.FLOAT : shapes.get(i).dataType(), shapes.get(i).getShape(), 'c');
		try (OpContext context = Nd4j.getExecutioner().buildContext()) {
			context.setInputArrays(op.inputArguments());
			context.setOutputArrays(out);
			context.setIArguments(op.iArgs());
			context.setTArguments(op.tArgs());
			context.setBArguments(op.bArgs());
			context.allowHelpers(false);
			Nd4j.getExecutioner().exec(op, context);
		} catch (Exception e) {
			throw e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e);
		}
		return out;
	}
}
