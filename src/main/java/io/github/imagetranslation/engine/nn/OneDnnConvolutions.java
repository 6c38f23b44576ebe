package io.github.imagetranslation.engine.nn;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.deconvolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Convolutions and transposed convolutions for inference through oneDNN primitives that are made once per layer
 * and input shape and kept, with the layer's weights already in the layout the primitive wants. ND4J makes the
 * primitive and re-orders the weights on every call, and its bundled oneDNN lacks the newer kernels: for 256
 * channels of 64x64 px (3x3) a call took 20-35 ms there against 12 ms here plus 0.8 ms for moving the activation
 * in and out of oneDNN's blocked layout; for the U-Net's inner layers the weight re-ordering alone costs several
 * times the arithmetic.
 * <p>
 * Uses JavaCPP's oneDNN preset (its own copy of the library, beside the one inside ND4J). Where that cannot be
 * loaded, {@link #available()} is false and callers use ND4J's operations.
 */
final class OneDnnConvolutions {

	/** Set to {@code false} to run every convolution through ND4J (for comparison). */
	static final String PROPERTY = "imagetranslation.onednn";

	/** Primitives kept per generator; one per layer and input shape, the oldest dropped beyond this. */
	private static final int MAX_PRIMITIVES = 256;

	private static Boolean available;
	private static engine cpu;
	private static stream stream;

	private final Map<String, Layer> primitives = new LinkedHashMap<String, Layer>(16, 0.75f, true) {
		@Override
		protected boolean removeEldestEntry(Map.Entry<String, Layer> eldest) {
			if (size() <= MAX_PRIMITIVES) return false;
			eldest.getValue().close();
			return true;
		}
	};
	/** Weights and biases in oneDNN's memory, by name; a layer's primitives for other shapes usually share them. */
	private final Map<String, memory> parameters = new HashMap<>();

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
	 * Convolution of {@code x} ({@code [n, in, h, w]}) with weights {@code [k, k, in, out]}, optional bias
	 * {@code [out]}, stride and zero padding on every side; a new array.
	 */
	synchronized INDArray conv2d(String name, INDArray x, INDArray weights, INDArray bias, int k, int stride, int pad) {
		long out = weights.size(3), in = weights.size(2);
		long h = (x.size(2) + 2L * pad - k) / stride + 1, w = (x.size(3) + 2L * pad - k) / stride + 1;
		long[] dst = { x.size(0), out, h, w };
		Layer layer = layer(name, x, () -> {
			long[] padding = { pad, pad };
			long[] strides = { stride, stride };
			convolution_forward.desc d = bias == null
					? new convolution_forward.desc(dnnl.prop_kind.forward_inference, dnnl.algorithm.convolution_direct, any(x.shape()),
							any(new long[] { out, in, k, k }), any(dst), strides, padding, padding)
					: new convolution_forward.desc(dnnl.prop_kind.forward_inference, dnnl.algorithm.convolution_direct, any(x.shape()),
							any(new long[] { out, in, k, k }), plain(new long[] { out }), any(dst), strides, padding, padding);
			convolution_forward.primitive_desc p = new convolution_forward.primitive_desc(d, cpu);
			// [kH, kW, in, out] seen as oneDNN's (out, in, kH, kW)
			long[] layout = { 1, out, k * in * out, in * out };
			return new Layer(name, new convolution_forward(p), p.src_desc(), p.weights_desc(), p.dst_desc(),
					new memory.desc(new long[] { out, in, k, k }, memory.data_type.f32, layout), x.shape(), dst);
		});
		return layer.run(x, weights, bias);
	}

	/**
	 * Transposed convolution of {@code x} ({@code [n, in, h, w]}) with weights {@code [k, k, out, in]} that gives
	 * {@code [n, out, 2h, 2w]}: stride 2, kernel 4 with padding 1, or kernel 3 with the full result's last row and
	 * column left out (as {@link SameDiffLayers#upsample2x}).
	 */
	synchronized INDArray upsample2x(String name, INDArray x, INDArray weights, INDArray bias, int k) {
		long out = weights.size(2), in = weights.size(3);
		long[] dst = { x.size(0), out, 2 * x.size(2), 2 * x.size(3) };
		Layer layer = layer(name, x, () -> {
			long before = k == 4 ? 1 : 0, after = 1;
			long[] strides = { 2, 2 }, padBefore = { before, before }, padAfter = { after, after };
			deconvolution_forward.desc d = bias == null
					? new deconvolution_forward.desc(dnnl.prop_kind.forward_inference, dnnl.algorithm.deconvolution_direct,
							any(x.shape()), any(new long[] { out, in, k, k }), any(dst), strides, padBefore, padAfter)
					: new deconvolution_forward.desc(dnnl.prop_kind.forward_inference, dnnl.algorithm.deconvolution_direct,
							any(x.shape()), any(new long[] { out, in, k, k }), plain(new long[] { out }), any(dst), strides, padBefore,
							padAfter);
			deconvolution_forward.primitive_desc p = new deconvolution_forward.primitive_desc(d, cpu);
			// [kH, kW, out, in] seen as oneDNN's (out, in, kH, kW)
			long[] layout = { in, 1, k * out * in, out * in };
			return new Layer(name, new deconvolution_forward(p), p.src_desc(), p.weights_desc(), p.dst_desc(),
					new memory.desc(new long[] { out, in, k, k }, memory.data_type.f32, layout), x.shape(), dst);
		});
		return layer.run(x, weights, bias);
	}

	private interface LayerFactory {
		Layer make();
	}

	private Layer layer(String name, INDArray x, LayerFactory factory) {
		if (x.dataType() != DataType.FLOAT || x.rank() != 4)
			throw new IllegalArgumentException("Expected a float array [n, c, h, w], got " + x.dataType() + " " + x.shapeInfoToString());
		String key = name + java.util.Arrays.toString(x.shape());
		Layer layer = primitives.get(key);
		if (layer == null) {
			layer = oneDnn(factory::make);
			primitives.put(key, layer);
		}
		return layer;
	}

	private static memory.desc any(long[] dims) {
		return new memory.desc(dims, memory.data_type.f32, memory.format_tag.any);
	}

	private static memory.desc plain(long[] dims) {
		return new memory.desc(dims, memory.data_type.f32, dims.length == 1 ? memory.format_tag.x : memory.format_tag.nchw);
	}

	/** One layer's primitive for one input shape, with reorders between ND4J's plain layout and the primitive's. */
	private final class Layer {
		final String name;
		final primitive primitive;
		final memory.desc src, weights, dst, userWeights, userSrc, userDst;
		/** Null where the primitive takes or gives ND4J's plain layout itself. */
		final reorder toPrimitive, fromPrimitive;
		final long[] dstShape;

		Layer(String name, primitive primitive, memory.desc src, memory.desc weights, memory.desc dst, memory.desc userWeights,
				long[] srcShape, long[] dstShape) {
			this.name = name;
			this.primitive = primitive;
			this.src = src;
			this.weights = weights;
			this.dst = dst;
			this.userWeights = userWeights;
			this.userSrc = plain(srcShape);
			this.userDst = plain(dstShape);
			this.dstShape = dstShape;
			toPrimitive = src.equals(userSrc) ? null : new reorder(new reorder.primitive_desc(cpu, userSrc, cpu, src));
			fromPrimitive = dst.equals(userDst) ? null : new reorder(new reorder.primitive_desc(cpu, dst, cpu, userDst));
		}

		INDArray run(INDArray x, INDArray w, INDArray b) {
			INDArray input = contiguous(x);
			INDArray y = Nd4j.createUninitialized(DataType.FLOAT, dstShape, 'c');
			try {
				oneDnn(() -> {
					execute(input, w, b, y);
					return null;
				});
				return y;
			} catch (RuntimeException | Error e) {
				y.close();
				throw e;
			} finally {
				if (input != x) input.close();
			}
		}

		private void execute(INDArray x, INDArray w, INDArray b, INDArray y) {
			memory userIn = new memory(userSrc, cpu, x.data().addressPointer());
			memory userOut = new memory(userDst, cpu, y.data().addressPointer());
			memory in = toPrimitive == null ? userIn : new memory(src, cpu);
			memory out = fromPrimitive == null ? userOut : new memory(dst, cpu);
			IntMemoryMap args = new IntMemoryMap();
			try {
				if (toPrimitive != null) convert(toPrimitive, userIn, in);
				args.put(dnnl.DNNL_ARG_SRC, in);
				args.put(dnnl.DNNL_ARG_WEIGHTS, kept(name + ".W", w, userWeights, weights));
				if (b != null) {
					memory.desc vector = plain(new long[] { b.length() });
					args.put(dnnl.DNNL_ARG_BIAS, kept(name + ".b", b, vector, vector));
				}
				args.put(dnnl.DNNL_ARG_DST, out);
				primitive.execute(stream, args);
				if (fromPrimitive != null) convert(fromPrimitive, out, userOut);
				stream._wait();
			} finally {
				args.close();
				for (memory m : new memory[] { userIn, userOut, in, out })
					if (!m.isNull()) m.close();
			}
		}

		void close() {
			primitive.close();
			if (toPrimitive != null) toPrimitive.close();
			if (fromPrimitive != null) fromPrimitive.close();
		}
	}

	private static void convert(reorder reorder, memory from, memory to) {
		IntMemoryMap args = new IntMemoryMap();
		try {
			args.put(dnnl.DNNL_ARG_FROM, from);
			args.put(dnnl.DNNL_ARG_TO, to);
			reorder.execute(stream, args);
		} finally {
			args.close();
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
			new reorder(user, made).execute(stream, user, made);
			stream._wait();
		} finally {
			user.close();
			if (source != a) source.close();
		}
		memory previous = parameters.put(key, made);
		if (previous != null) previous.close();
		return made;
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
