package io.github.imagetranslation.engine.nn;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.dnnl.batch_normalization_forward;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.deconvolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_desc_base;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Convolutions, transposed convolutions and normalisation for inference through oneDNN primitives that are made
 * once per layer and input layout and kept, with the layer's weights already in the layout the primitive wants.
 * Results stay in the primitive's own (blocked) layout, so that a convolution's output goes to the normalisation
 * and element-wise layers after it without being re-ordered; {@link #plain} brings a part back to ND4J's layout
 * where a layer needs it.
 * <p>
 * ND4J makes the primitive and re-orders the weights on every call, its bundled oneDNN lacks the newer kernels,
 * and it normalises in the plain layout: for 256 channels of 64x64 px a 3x3 convolution took 20-35 ms there
 * against 12 ms here, a normalisation (moments, then oneDNN's plain-layout kernel with re-orders) several ms
 * against 0.15-0.3 ms in the blocked layout; for the U-Net's inner layers the weight re-ordering alone cost
 * several times the arithmetic.
 * <p>
 * Uses JavaCPP's oneDNN preset (its own copy of the library, beside the one inside ND4J). Where that cannot be
 * loaded, {@link #available()} is false and callers use ND4J's operations.
 */
final class OneDnnPrimitives {

	/** Set to {@code false} to run every layer through ND4J (for comparison). */
	static final String PROPERTY = "imagetranslation.onednn";

	/** Primitives kept per generator; one per layer and input layout, the oldest dropped beyond this. */
	private static final int MAX_PRIMITIVES = 256;

	private static Boolean available;
	private static engine cpu;
	private static stream stream;

	/** How a part's elements lie in its array: a oneDNN layout for an activation of logical shape [n, c, h, w]. */
	static final class Layout {
		final memory.desc desc;
		final long[] shape;

		Layout(memory.desc desc, long[] shape) {
			this.desc = desc;
			this.shape = shape;
		}

		boolean sameAs(Layout other) {
			return other != null && Arrays.equals(shape, other.shape) && desc.equals(other.desc);
		}
	}

	/** A result: its array, and how the elements lie in it (null: ND4J's plain [n, c, h, w] array). */
	static final class Laid {
		final INDArray data;
		final Layout layout;

		Laid(INDArray data, Layout layout) {
			this.data = data;
			this.layout = layout;
		}
	}

	private final Map<String, Made> primitives = new LinkedHashMap<String, Made>(16, 0.75f, true) {
		@Override
		protected boolean removeEldestEntry(Map.Entry<String, Made> eldest) {
			if (size() <= MAX_PRIMITIVES) return false;
			eldest.getValue().primitive.close();
			return true;
		}
	};
	/** Weights and biases in oneDNN's memory, by name; a layer's primitives for other shapes usually share them. */
	private final Map<String, memory> parameters = new HashMap<>();
	/** Where an input is re-ordered into a primitive's layout: kept, and grown to the largest a layer needs. */
	private final Scratch scratch = new Scratch();

	/** Whether oneDNN's library loads here (once per process) and is not switched off with {@value #PROPERTY}. */
	static synchronized boolean available() {
		if (available == null) {
			available = false;
			if (!"false".equalsIgnoreCase(System.getProperty(PROPERTY))) {
				try {
					Loader.load(dnnl.class);
					// NativeRuntime caps ND4J's oneDNN at the AVX-512 "common" kernels; this copy may use all of them
					dnnl.dnnl_set_max_cpu_isa(dnnl.dnnl_cpu_isa_all);
					cpu = new engine(engine.kind.cpu, 0);
					stream = new stream(cpu);
					available = true;
				} catch (Throwable e) {
					available = false;
				}
			}
		}
		return available;
	}

	/**
	 * Convolution of {@code x} (logical shape {@code [n, in, h, w]}, laid out as {@code layout} says) with weights
	 * {@code [k, k, in, out]}, optional bias {@code [out]}, stride and zero padding on every side; a new array.
	 */
	synchronized Laid conv2d(String name, INDArray x, Layout layout, INDArray weights, INDArray bias, int k, int stride, int pad) {
		long[] shape = shape(x, layout);
		long out = weights.size(3), in = weights.size(2);
		long[] dst = { shape[0], out, (shape[2] + 2L * pad - k) / stride + 1, (shape[3] + 2L * pad - k) / stride + 1 };
		Made p = made(name + Arrays.toString(shape), () -> {
			long[] padding = { pad, pad }, strides = { stride, stride };
			convolution_forward.desc d = bias == null
					? new convolution_forward.desc(dnnl.prop_kind.forward_inference, dnnl.algorithm.convolution_direct, any(shape),
							any(new long[] { out, in, k, k }), any(dst), strides, padding, padding)
					: new convolution_forward.desc(dnnl.prop_kind.forward_inference, dnnl.algorithm.convolution_direct, any(shape),
							any(new long[] { out, in, k, k }), plain(new long[] { out }), any(dst), strides, padding, padding);
			convolution_forward.primitive_desc made = new convolution_forward.primitive_desc(d, cpu);
			return new Made(made, new convolution_forward(made));
		});
		// [kH, kW, in, out] seen as oneDNN's (out, in, kH, kW)
		memory.desc userWeights = new memory.desc(new long[] { out, in, k, k }, memory.data_type.f32,
				new long[] { 1, out, k * in * out, in * out });
		return convolve(name, p, x, layout, shape, userWeights, weights, bias, dst);
	}

	/**
	 * Transposed convolution of {@code x} (logical shape {@code [n, in, h, w]}) with weights {@code [k, k, out, in]}
	 * that gives {@code [n, out, 2h, 2w]}: stride 2, kernel 4 with padding 1, or kernel 3 with the full result's last
	 * row and column left out (as {@link SameDiffLayers#upsample2x}).
	 */
	synchronized Laid upsample2x(String name, INDArray x, Layout layout, INDArray weights, INDArray bias, int k) {
		long[] shape = shape(x, layout);
		long out = weights.size(2), in = weights.size(3);
		long[] dst = { shape[0], out, 2 * shape[2], 2 * shape[3] };
		Made p = made(name + Arrays.toString(shape), () -> {
			long before = k == 4 ? 1 : 0, after = 1;
			long[] strides = { 2, 2 }, padBefore = { before, before }, padAfter = { after, after };
			deconvolution_forward.desc d = bias == null
					? new deconvolution_forward.desc(dnnl.prop_kind.forward_inference, dnnl.algorithm.deconvolution_direct, any(shape),
							any(new long[] { out, in, k, k }), any(dst), strides, padBefore, padAfter)
					: new deconvolution_forward.desc(dnnl.prop_kind.forward_inference, dnnl.algorithm.deconvolution_direct, any(shape),
							any(new long[] { out, in, k, k }), plain(new long[] { out }), any(dst), strides, padBefore, padAfter);
			deconvolution_forward.primitive_desc made = new deconvolution_forward.primitive_desc(d, cpu);
			return new Made(made, new deconvolution_forward(made));
		});
		// [kH, kW, out, in] seen as oneDNN's (out, in, kH, kW)
		memory.desc userWeights = new memory.desc(new long[] { out, in, k, k }, memory.data_type.f32,
				new long[] { in, 1, k * out * in, out * in });
		return convolve(name, p, x, layout, shape, userWeights, weights, bias, dst);
	}

	private Laid convolve(String name, Made p, INDArray x, Layout layout, long[] shape, memory.desc userWeights,
			INDArray weights, INDArray bias, long[] dstShape) {
		memory.desc dst = p.descriptor.dst_desc();
		boolean plainOut = dst.equals(plain(dstShape));
		INDArray y = plainOut ? Nd4j.createUninitialized(DataType.FLOAT, dstShape, 'c') : flat(dst);
		IntMemoryMap args = new IntMemoryMap();
		memory in = null, out = null;
		try {
			return oneDnn(() -> {
				memory input = input(x, layout, shape, p.descriptor.src_desc());
				args.put(dnnl.DNNL_ARG_SRC, input);
				args.put(dnnl.DNNL_ARG_WEIGHTS, kept(name + ".W", weights, userWeights, p.descriptor.weights_desc()));
				if (bias != null) {
					memory.desc vector = plain(new long[] { bias.length() });
					args.put(dnnl.DNNL_ARG_BIAS, kept(name + ".b", bias, vector, vector));
				}
				memory output = new memory(dst, cpu, y.data().addressPointer());
				args.put(dnnl.DNNL_ARG_DST, output);
				try {
					p.primitive.execute(stream, args);
					stream._wait();
				} finally {
					input.close();
					output.close();
				}
				return new Laid(y, plainOut ? null : new Layout(dst, dstShape));
			});
		} catch (RuntimeException | Error e) {
			y.close();
			throw e;
		} finally {
			args.close();
		}
	}

	/**
	 * Standardises {@code x} per channel by {@code statistics} ({@code {mean, variance}}) or, where null, by its
	 * own mean and biased variance over the sample's plane (a single sample: instance normalisation), then scales by
	 * {@code gain} and shifts by {@code shift} where given; in place when {@code inPlace}.
	 */
	synchronized Laid normalize(String name, INDArray x, Layout layout, float[][] statistics, INDArray gain, INDArray shift,
			boolean inPlace) {
		long[] shape = shape(x, layout);
		if (statistics == null && shape[0] != 1)
			throw new IllegalArgumentException("Statistics over a sample's own plane need one sample at a time, got " + shape[0]);
		INDArray input = layout == null ? contiguous(x) : x;
		memory.desc desc = layout == null ? plain(shape) : layout.desc;
		boolean fixed = statistics != null, scaled = gain != null;
		String key = name + Arrays.toString(shape) + (layout == null ? "plain" : "laid") + fixed + scaled;
		Made p = made(key, () -> {
			int flags = (fixed ? dnnl.normalization_flags.use_global_stats.value : 0)
					| (scaled ? dnnl.normalization_flags.use_scale.value | dnnl.normalization_flags.use_shift.value : 0);
			batch_normalization_forward.primitive_desc made = new batch_normalization_forward.primitive_desc(
					new batch_normalization_forward.desc(dnnl.prop_kind.forward_inference.value, desc, (float) SameDiffLayers.NORM_EPSILON, flags), cpu);
			return new Made(made, new batch_normalization_forward(made));
		});
		if (!p.descriptor.src_desc().equals(desc)) throw new IllegalStateException("Normalisation " + name + " was made for another layout");
		INDArray y = inPlace && input == x ? x : layout == null ? Nd4j.createUninitialized(DataType.FLOAT, shape, 'c') : flat(desc);
		INDArray mean = fixed ? Nd4j.create(statistics[0]) : null, variance = fixed ? Nd4j.create(statistics[1]) : null;
		IntMemoryMap args = new IntMemoryMap();
		memory[] made = new memory[4];
		try {
			return oneDnn(() -> {
				made[0] = new memory(desc, cpu, input.data().addressPointer());
				made[1] = y == input ? made[0] : new memory(desc, cpu, y.data().addressPointer());
				args.put(dnnl.DNNL_ARG_SRC, made[0]);
				args.put(dnnl.DNNL_ARG_DST, made[1]);
				memory.desc vector = plain(new long[] { shape[1] });
				if (fixed) {
					made[2] = new memory(vector, cpu, mean.data().addressPointer());
					made[3] = new memory(vector, cpu, variance.data().addressPointer());
					args.put(dnnl.DNNL_ARG_MEAN, made[2]);
					args.put(dnnl.DNNL_ARG_VARIANCE, made[3]);
				}
				if (scaled) {
					args.put(dnnl.DNNL_ARG_SCALE, kept(name + ".gamma", gain, vector, vector));
					args.put(dnnl.DNNL_ARG_SHIFT, kept(name + ".beta", shift, vector, vector));
				}
				p.primitive.execute(stream, args);
				stream._wait();
				return new Laid(y, layout);
			});
		} catch (RuntimeException | Error e) {
			if (y != x && y != input) y.close();
			throw e;
		} finally {
			args.close();
			for (memory m : made)
				if (m != null && !m.isNull()) m.close();
			if (input != x && input != y) input.close();
			if (fixed) {
				mean.close();
				variance.close();
			}
		}
	}

	/** {@code x}, laid out as {@code layout} says, as a new array in ND4J's plain layout. */
	synchronized INDArray plain(INDArray x, Layout layout) {
		INDArray y = Nd4j.createUninitialized(DataType.FLOAT, layout.shape, 'c');
		try {
			return oneDnn(() -> {
				memory from = new memory(layout.desc, cpu, x.data().addressPointer());
				memory to = new memory(plain(layout.shape), cpu, y.data().addressPointer());
				try {
					convert(layout.desc, from, plain(layout.shape), to);
				} finally {
					from.close();
					to.close();
				}
				return y;
			});
		} catch (RuntimeException | Error e) {
			y.close();
			throw e;
		}
	}

	/** {@code x} as memory in layout {@code wanted}: over its own array where it lies so, else re-ordered into the scratch memory. */
	private memory input(INDArray x, Layout layout, long[] shape, memory.desc wanted) {
		if (layout != null && shape[1] > 1 && layout.desc.equals(wanted)) return new memory(wanted, cpu, x.data().addressPointer());
		INDArray source = layout == null ? contiguous(x) : x;
		memory.desc from = layout == null ? plain(shape) : layout.desc;
		memory user = new memory(from, cpu, source.data().addressPointer());
		try {
			// oneDNN calls layouts of one channel equal (nchw and nhwc) that its convolution kernels then read
			// differently: garbage results; those are re-ordered (one channel is cheap to copy)
			if (shape[1] > 1 && from.equals(wanted)) return user;
			memory into = new memory(wanted, cpu, scratch.of(wanted.get_size()));
			convert(from, user, wanted, into);
			user.close();
			return into;
		} finally {
			if (source != x) source.close();
		}
	}

	private static void convert(memory.desc fromDesc, memory from, memory.desc toDesc, memory to) {
		reorder r = new reorder(new reorder.primitive_desc(cpu, fromDesc, cpu, toDesc));
		IntMemoryMap args = new IntMemoryMap();
		try {
			args.put(dnnl.DNNL_ARG_FROM, from);
			args.put(dnnl.DNNL_ARG_TO, to);
			r.execute(stream, args);
			stream._wait();
		} finally {
			args.close();
			r.close();
		}
	}

	/**
	 * Parameter {@code key} ({@code a}, laid out as {@code plain} describes) copied once into oneDNN's memory in
	 * layout {@code wanted}, and kept; copied again only if a primitive wants another layout.
	 */
	private memory kept(String key, INDArray a, memory.desc plain, memory.desc wanted) {
		memory copy = parameters.get(key);
		if (copy != null && copy.get_desc().equals(wanted)) return copy;
		INDArray source = contiguous(a);
		memory user = new memory(plain, cpu, source.data().addressPointer());
		memory made = new memory(wanted, cpu);
		try {
			convert(plain, user, wanted, made);
		} finally {
			user.close();
			if (source != a) source.close();
		}
		memory previous = parameters.put(key, made);
		if (previous != null) previous.close();
		return made;
	}

	/** A primitive and its descriptor, as made. */
	private static final class Made {
		final primitive_desc_base descriptor;
		final primitive primitive;

		Made(primitive_desc_base descriptor, primitive primitive) {
			this.descriptor = descriptor;
			this.primitive = primitive;
		}
	}

	private interface Maker {
		Made make();
	}

	/** The primitive kept under {@code key}, made the first time. */
	private Made made(String key, Maker maker) {
		Made p = primitives.get(key);
		if (p == null) {
			p = oneDnn(maker::make);
			primitives.put(key, p);
		}
		return p;
	}

	private static long[] shape(INDArray x, Layout layout) {
		if (x.dataType() != DataType.FLOAT) throw new IllegalArgumentException("Expected float activations, got " + x.dataType());
		if (layout != null) return layout.shape;
		if (x.rank() != 4) throw new IllegalArgumentException("Expected an array [n, c, h, w], got " + x.shapeInfoToString());
		return x.shape();
	}

	/** A flat array for the elements of layout {@code desc} (which may pad the channels to a block's multiple). */
	private static INDArray flat(memory.desc desc) {
		return Nd4j.createUninitialized(DataType.FLOAT, new long[] { (desc.get_size() + 3) / 4 }, 'c');
	}

	private static memory.desc any(long[] dims) {
		return new memory.desc(dims, memory.data_type.f32, memory.format_tag.any);
	}

	private static memory.desc plain(long[] dims) {
		return new memory.desc(dims, memory.data_type.f32, dims.length == 1 ? memory.format_tag.x : memory.format_tag.nchw);
	}

	/**
	 * Memory for inputs re-ordered into a primitive's layout, kept and grown to the largest a layer needs. Memory
	 * freshly allocated for every call (oneDNN's own, or ND4J's when no freed block of that size was free) came from
	 * new pages: 4096 page faults, about 30 ms here, per 16 MB, as long as the convolution itself.
	 */
	private static final class Scratch {
		private INDArray buffer;

		Pointer of(long bytes) {
			long floats = (bytes + 3) / 4;
			if (buffer == null || buffer.length() < floats) {
				if (buffer != null) buffer.close();
				buffer = null;
				buffer = Nd4j.createUninitialized(DataType.FLOAT, new long[] { floats }, 'c');
			}
			return buffer.data().addressPointer();
		}
	}

	/** {@code a} if its elements lie in plain C order from its buffer's start, else such a copy. */
	private static INDArray contiguous(INDArray a) {
		return a.offset() == 0 && a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a) && a.length() == a.data().length() ? a : a.dup('c');
	}

	private interface OneDnnCall<T> {
		T call();
	}

	/** Runs {@code call}, reporting oneDNN's failed allocations as {@link OutOfMemoryError}. */
	private static <T> T oneDnn(OneDnnCall<T> call) {
		try {
			return call.call();
		} catch (RuntimeException e) {
			String message = String.valueOf(e.getMessage());
			if (message.contains("out_of_memory") || message.contains("out of memory")) {
				OutOfMemoryError oom = new OutOfMemoryError("oneDNN could not allocate memory: " + message);
				oom.initCause(e);
				throw oom;
			}
			throw e;
		}
	}
}
