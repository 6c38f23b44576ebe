package io.github.imagetranslation.engine.nn;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.dnnl.batch_normalization_backward;
import org.bytedeco.dnnl.batch_normalization_forward;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.deconvolution_backward_data;
import org.bytedeco.dnnl.deconvolution_backward_weights;
import org.bytedeco.dnnl.deconvolution_forward;
import org.bytedeco.dnnl.eltwise_backward;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.primitive_desc_base;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Convolutions, transposed convolutions, normalisation and reflection padding through oneDNN primitives (for
 * inference, {@link EagerLayers}; for training, the convolutions and normalisation with their gradients,
 * {@link OneDnnSession}) that are made once per layer and input layout and kept, with the layer's weights already in the
 * layout the primitive wants and with their argument memory objects, so that a call only points them at its
 * arrays. Results stay in oneDNN's layout (blocked by 16 channels where the channels fill whole blocks), so that
 * a convolution's output goes through normalisation, element-wise layers and padding to the next convolution
 * without being re-ordered; {@link #plain} brings a part back to ND4J's layout where a layer needs it.
 * <p>
 * ND4J makes the primitive and re-orders the weights on every call, its bundled oneDNN lacks the newer kernels,
 * and it normalises in the plain layout: for 256 channels of 64x64 px a 3x3 convolution took 20-35 ms there
 * against 12 ms here, a normalisation several ms against 0.15-0.3 ms in the blocked layout; for the U-Net's
 * inner layers the weight re-ordering alone cost several times the arithmetic.
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
	/** One stream per thread: oneDNN's streams are not to be shared by threads running primitives at once. */
	private static final ThreadLocal<stream> STREAMS = ThreadLocal.withInitial(() -> new stream(cpu));

	/**
	 * How a part's elements lie in its array: a oneDNN layout for an activation of logical shape [n, c, h, w],
	 * blocked by 16 channels ({@code nChw16c}) or, where {@code blocked} is false, as a primitive chose.
	 */
	static final class Layout {
		final memory.desc desc;
		final long[] shape;
		final boolean blocked;

		Layout(memory.desc desc, long[] shape, boolean blocked) {
			this.desc = desc;
			this.shape = shape;
			this.blocked = blocked;
		}

		boolean sameAs(Layout other) {
			return other != null && Arrays.equals(shape, other.shape) && (desc == other.desc || desc.equals(other.desc));
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

	private final Map<String, Kept> kept = new LinkedHashMap<String, Kept>(16, 0.75f, true) {
		@Override
		protected boolean removeEldestEntry(Map.Entry<String, Kept> eldest) {
			if (size() <= MAX_PRIMITIVES) return false;
			eldest.getValue().close();
			return true;
		}
	};
	/** Weights and biases in oneDNN's memory, by name; a layer's primitives for other shapes usually share them. */
	private final Map<String, Parameter> parameters = new HashMap<>();

	/** A parameter copied into oneDNN's memory, in layout {@code desc}. */
	private static final class Parameter {
		final memory memory;
		final memory.desc desc;

		Parameter(memory memory, memory.desc desc) {
			this.memory = memory;
			this.desc = desc;
		}
	}

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
					STREAMS.get();
					available = true;
				} catch (Throwable e) {
					available = false;
				}
			}
		}
		return available;
	}

	/**
	 * The layout of ND4J's weights, {@code [kH, kW, in, out]} for a convolution or {@code [kH, kW, out, in]} for a
	 * transposed one, seen as oneDNN's logical {@code (out, in, kH, kW)}.
	 */
	private static memory.desc ndWeights(long in, long out, int k, boolean transposed) {
		return new memory.desc(new long[] { out, in, k, k }, memory.data_type.f32,
				transposed ? new long[] { in, 1, k * in * out, in * out } : new long[] { 1, out, k * in * out, in * out });
	}

	/** A bias of {@code out} values, or oneDNN's "no bias" (a zero description). */
	private static memory.desc biasOrNone(boolean bias, long out) {
		return bias ? plain(new long[] { out }) : new memory.desc();
	}

	/**
	 * Convolution of {@code x} (logical shape {@code [n, in, h, w]}, laid out as {@code layout} says) with weights
	 * {@code [k, k, in, out]}, optional bias {@code [out]}, stride and zero padding on every side; a new array.
	 */
	synchronized Laid conv2d(String name, INDArray x, Layout layout, INDArray weights, INDArray bias, int k, int stride, int pad) {
		long[] shape = shape(x, layout);
		long out = weights.size(3), in = weights.size(2);
		long[] dst = { shape[0], out, (shape[2] + 2L * pad - k) / stride + 1, (shape[3] + 2L * pad - k) / stride + 1 };
		Convolution c = (Convolution) kept(name + Arrays.toString(shape) + kind(layout), () -> {
			long[] padding = { pad, pad }, strides = { stride, stride };
			convolution_forward.primitive_desc made = new convolution_forward.primitive_desc(new convolution_forward.desc(
					dnnl.prop_kind.forward_inference, dnnl.algorithm.convolution_direct, source(shape, layout), any(new long[] { out, in, k, k }),
					biasOrNone(bias != null, out), result(dst), strides, padding, padding), cpu);
			memory.desc userWeights = ndWeights(in, out, k, false);
			return new Convolution(new convolution_forward(made), made, userWeights, dst);
		});
		return c.run(name, x, layout, shape, weights, bias);
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
		Convolution c = (Convolution) kept(name + Arrays.toString(shape) + kind(layout), () -> {
			long before = k == 4 ? 1 : 0, after = 1;
			long[] strides = { 2, 2 }, padBefore = { before, before }, padAfter = { after, after };
			deconvolution_forward.primitive_desc made = new deconvolution_forward.primitive_desc(new deconvolution_forward.desc(
					dnnl.prop_kind.forward_inference, dnnl.algorithm.deconvolution_direct, source(shape, layout), any(new long[] { out, in, k, k }),
					biasOrNone(bias != null, out), result(dst), strides, padBefore, padAfter), cpu);
			memory.desc userWeights = ndWeights(in, out, k, true);
			return new Convolution(new deconvolution_forward(made), made, userWeights, dst);
		});
		return c.run(name, x, layout, shape, weights, bias);
	}

	/** A (transposed) convolution primitive with its layouts, and the re-order that brings inputs into its layout. */
	private final class Convolution extends Bound {
		final memory.desc src, weights, dst, userWeights, bias;
		final long[] dstShape;
		final boolean plainOut;
		/** The last input layout re-ordered from, and that re-order; null while the input needed none. */
		private memory.desc reorderedFrom;
		private Bound toSource;

		Convolution(primitive primitive, primitive_desc_base made, memory.desc userWeights, long[] dstShape) {
			super(primitive);
			this.src = made.src_desc();
			this.weights = made.weights_desc();
			this.dst = made.dst_desc();
			this.userWeights = userWeights;
			this.dstShape = dstShape;
			this.plainOut = dst.equals(plain(dstShape));
			this.bias = vector(dstShape[1]);
		}

		Laid run(String name, INDArray x, Layout layout, long[] shape, INDArray w, INDArray b) {
			INDArray input = layout == null ? contiguous(x) : x;
			INDArray y = plainOut ? Nd4j.createUninitialized(DataType.FLOAT, dstShape, 'c') : flat(dst);
			try {
				return oneDnn(() -> {
					memory.desc from = layout == null ? plain(shape) : layout.desc;
					Pointer data = input.data().addressPointer();
					if (sameLayout(shape, from, src)) {
						set(dnnl.DNNL_ARG_SRC, src, data);
					} else {
						if (toSource == null || !from.equals(reorderedFrom)) {
							if (toSource != null) toSource.close();
							toSource = new Bound(new reorder(new reorder.primitive_desc(cpu, from, cpu, src)));
							reorderedFrom = from;
						}
						Pointer into = scratch("source").of(src.get_size());
						toSource.set(dnnl.DNNL_ARG_FROM, from, data);
						toSource.set(dnnl.DNNL_ARG_TO, src, into);
						toSource.execute();
						set(dnnl.DNNL_ARG_SRC, src, into);
					}
					parameter(dnnl.DNNL_ARG_WEIGHTS, kept(name + ".W", w, userWeights, weights));
					if (b != null) parameter(dnnl.DNNL_ARG_BIAS, kept(name + ".b", b, bias, bias));
					set(dnnl.DNNL_ARG_DST, dst, y.data().addressPointer());
					execute();
					return new Laid(y, plainOut ? null : new Layout(dst, dstShape, blocks(dstShape)));
				});
			} catch (RuntimeException | Error e) {
				y.close();
				throw e;
			} finally {
				if (input != x) input.close();
			}
		}

		@Override
		void close() {
			super.close();
			if (toSource != null) toSource.close();
		}
	}

	/**
	 * Convolution for training, between ND4J's plain arrays: {@code x} {@code [n, in, h, w]}, weights
	 * {@code [k, k, in, out]}, optional bias {@code [out]}, stride and zero padding on every side; the result is
	 * written into {@code y}. The weights change between calls, so they are re-ordered on each (once per call, where
	 * ND4J's operation re-orders and also re-makes the primitive), except in weight-bound layers ({@link #weightBound}),
	 * which read ND4J's layout as it is.
	 */
	synchronized void trainingForward(INDArray x, INDArray w, INDArray b, INDArray y, int k, int stride, int pad, boolean transposed) {
		TrainingConvolution c = training(x, w, b != null, k, stride, pad, transposed);
		oneDnn(() -> {
			c.forward(x, w, b, y);
			return null;
		});
	}

	/**
	 * The gradients of {@link #trainingForward}'s convolution for the gradient {@code gradY} of its result, written
	 * into {@code gradX}, {@code gradW} ({@code [k, k, in, out]}) and, where there is a bias, {@code gradB}.
	 */
	synchronized void trainingBackward(INDArray x, INDArray w, INDArray gradY, INDArray gradX, INDArray gradW, INDArray gradB, int k,
			int stride, int pad, boolean transposed) {
		TrainingConvolution c = training(x, w, gradB != null, k, stride, pad, transposed);
		oneDnn(() -> {
			c.backward(x, w, gradY, gradX, gradW, gradB);
			return null;
		});
	}

	private TrainingConvolution training(INDArray x, INDArray w, boolean bias, int k, int stride, int pad, boolean transposed) {
		if (x.dataType() != DataType.FLOAT || x.rank() != 4 || w.rank() != 4)
			throw new IllegalArgumentException("Expected float arrays [n, c, h, w] and [k, k, in, out], got " + x.shapeInfoToString());
		long[] shape = x.shape();
		long in = w.size(transposed ? 3 : 2), out = w.size(transposed ? 2 : 3);
		return kept("train" + (transposed ? " transposed" : "") + Arrays.toString(shape) + Arrays.toString(w.shape()) + " " + stride + " " + pad
				+ " " + bias, () -> new TrainingConvolution(shape, in, out, k, stride, pad, bias, transposed));
	}

	/**
	 * Forward, backward-data and backward-weights primitives of one training convolution or transposed convolution,
	 * with their re-orders.
	 */
	private final class TrainingConvolution extends Kept {
		final boolean transposed;
		/** The forward primitive's description: one of the two is null. */
		final convolution_forward.primitive_desc convolutionDesc;
		final deconvolution_forward.primitive_desc deconvolutionDesc;
		final memory.desc plainSrc, plainDst, plainWeights, vector, biasDesc;
		final long[] srcDims, dstDims, weightDims, strides, padding;
		/** Whether the layer's weights outweigh its activations (see {@link OneDnnPrimitives#weightBound}). */
		final boolean weightBound;
		private Bound forward, backwardData, backwardWeights;
		/** The primitives' layouts, read once when each is made. */
		private memory.desc src, weights, dst, dataDiffDst, dataWeights, diffSrc, weightsSrc, weightsDiffDst, diffWeights;
		/** Re-orders between ND4J's layouts and the primitives', by the role of the array they move. */
		private final Map<String, Bound> reorders = new HashMap<>();

		TrainingConvolution(long[] shape, long in, long out, int k, int stride, int pad, boolean bias, boolean transposed) {
			this.transposed = transposed;
			srcDims = shape;
			long h = transposed ? (shape[2] - 1) * stride + k - 2L * pad : (shape[2] + 2L * pad - k) / stride + 1;
			long w = transposed ? (shape[3] - 1) * stride + k - 2L * pad : (shape[3] + 2L * pad - k) / stride + 1;
			dstDims = new long[] { shape[0], out, h, w };
			weightDims = new long[] { out, in, k, k };
			plainSrc = plain(srcDims);
			plainDst = plain(dstDims);
			plainWeights = ndWeights(in, out, k, transposed);
			vector = bias ? plain(new long[] { out }) : null;
			strides = new long[] { stride, stride };
			padding = new long[] { pad, pad };
			biasDesc = biasOrNone(bias, out);
			weightBound = weightBound(srcDims, dstDims);
			if (transposed) {
				deconvolutionDesc = new deconvolution_forward.primitive_desc(new deconvolution_forward.desc(dnnl.prop_kind.forward_training,
						dnnl.algorithm.deconvolution_direct, activation(srcDims), weights(), biasDesc, activation(dstDims), strides, padding, padding),
						cpu);
				convolutionDesc = null;
			} else {
				convolutionDesc = new convolution_forward.primitive_desc(new convolution_forward.desc(dnnl.prop_kind.forward_training,
						dnnl.algorithm.convolution_direct, activation(srcDims), weights(), biasDesc, activation(dstDims), strides, padding, padding),
						cpu);
				deconvolutionDesc = null;
			}
		}

		/**
		 * The layout asked of the primitives for activations of {@code dims}: channels last where the layer is
		 * weight-bound (see {@link #weights()}), else the primitive's choice.
		 */
		private memory.desc activation(long[] dims) {
			return weightBound ? new memory.desc(dims, memory.data_type.f32, memory.format_tag.nhwc) : any(dims);
		}

		/**
		 * The layout asked of the primitives for the weights: ND4J's own where the layer is weight-bound (oneDNN's
		 * matrix-product convolution reads it with channels-last activations, so the weights, which change every
		 * step, are not re-ordered three times per step), else the primitive's choice.
		 */
		private memory.desc weights() {
			return weightBound ? plainWeights : any(weightDims);
		}

		void forward(INDArray x, INDArray w, INDArray b, INDArray y) {
			if (transposed && weightBound) {
				upsampleByMatrixProduct(x, w, b, y);
				return;
			}
			if (forward == null) {
				primitive_desc_base made = transposed ? deconvolutionDesc : convolutionDesc;
				forward = new Bound(transposed ? new deconvolution_forward(deconvolutionDesc) : new convolution_forward(convolutionDesc));
				src = made.src_desc();
				weights = made.weights_desc();
				dst = made.dst_desc();
			}
			forward.set(dnnl.DNNL_ARG_SRC, src, in("src", x, plainSrc, src));
			forward.set(dnnl.DNNL_ARG_WEIGHTS, weights, in("weights", w, plainWeights, weights));
			if (b != null) forward.set(dnnl.DNNL_ARG_BIAS, vector, in("bias", b, vector, vector));
			forward.set(dnnl.DNNL_ARG_DST, dst, outBuffer("dst", y, plainDst, dst));
			forward.execute();
			out("dst", y, plainDst, dst);
		}

		void backward(INDArray x, INDArray w, INDArray gradY, INDArray gradX, INDArray gradW, INDArray gradB) {
			if (backwardData == null) {
				memory.desc anySrc = activation(srcDims), anyWeights = weights(), anyDst = activation(dstDims);
				primitive_desc_base data, weightsGradient;
				if (transposed) {
					deconvolution_backward_data.primitive_desc d = new deconvolution_backward_data.primitive_desc(
							new deconvolution_backward_data.desc(dnnl.algorithm.deconvolution_direct, anySrc, anyWeights, anyDst, strides, padding,
									padding),
							cpu, deconvolutionDesc);
					deconvolution_backward_weights.primitive_desc g = new deconvolution_backward_weights.primitive_desc(
							new deconvolution_backward_weights.desc(dnnl.algorithm.deconvolution_direct, anySrc, anyWeights, biasDesc, anyDst, strides,
									padding, padding),
							cpu, deconvolutionDesc);
					backwardData = new Bound(new deconvolution_backward_data(d));
					backwardWeights = new Bound(new deconvolution_backward_weights(g));
					data = d;
					weightsGradient = g;
				} else {
					convolution_backward_data.primitive_desc d = new convolution_backward_data.primitive_desc(
							new convolution_backward_data.desc(dnnl.algorithm.convolution_direct, anySrc, anyWeights, anyDst, strides, padding, padding),
							cpu, convolutionDesc);
					convolution_backward_weights.primitive_desc g = new convolution_backward_weights.primitive_desc(
							new convolution_backward_weights.desc(dnnl.algorithm.convolution_direct, anySrc, anyWeights, biasDesc, anyDst, strides,
									padding, padding),
							cpu, convolutionDesc);
					backwardData = new Bound(new convolution_backward_data(d));
					backwardWeights = new Bound(new convolution_backward_weights(g));
					data = d;
					weightsGradient = g;
				}
				dataDiffDst = data.diff_dst_desc();
				dataWeights = data.weights_desc();
				diffSrc = data.diff_src_desc();
				weightsSrc = weightsGradient.src_desc();
				weightsDiffDst = weightsGradient.diff_dst_desc();
				diffWeights = weightsGradient.diff_weights_desc();
			}
			Pointer dataGradY = in("diff_dst", gradY, plainDst, dataDiffDst);
			backwardData.set(dnnl.DNNL_ARG_DIFF_DST, dataDiffDst, dataGradY);
			backwardData.set(dnnl.DNNL_ARG_WEIGHTS, dataWeights, in("weights_data", w, plainWeights, dataWeights));
			backwardData.set(dnnl.DNNL_ARG_DIFF_SRC, diffSrc, outBuffer("diff_src", gradX, plainSrc, diffSrc));
			backwardData.execute();
			out("diff_src", gradX, plainSrc, diffSrc);

			backwardWeights.set(dnnl.DNNL_ARG_SRC, weightsSrc, in("src_weights", x, plainSrc, weightsSrc));
			// the gradient as re-ordered for the data gradient where both primitives want the same layout
			backwardWeights.set(dnnl.DNNL_ARG_DIFF_DST, weightsDiffDst,
					weightsDiffDst.equals(dataDiffDst) ? dataGradY : in("diff_dst_weights", gradY, plainDst, weightsDiffDst));
			backwardWeights.set(dnnl.DNNL_ARG_DIFF_WEIGHTS, diffWeights, outBuffer("diff_weights", gradW, plainWeights, diffWeights));
			if (gradB != null) backwardWeights.set(dnnl.DNNL_ARG_DIFF_BIAS, vector, outBuffer("diff_bias", gradB, vector, vector));
			backwardWeights.execute();
			out("diff_weights", gradW, plainWeights, diffWeights);
			if (gradB != null) out("diff_bias", gradB, vector, vector);
		}

		/**
		 * A weight-bound transposed convolution as one matrix product per sample, the weights read as ND4J lays
		 * them out: {@code columns[(kh, kw, o), pixel] = sum over i of W[kh, kw, o, i] x[i, pixel]}, then each
		 * column value added where its pixel and kernel position put it in {@code y}. For 1024x512x4x4 weights on
		 * planes of 2x2 and 4x4 px oneDNN's matrix-product kernels took 2-11 ms and its blocked ones needed an 8 ms
		 * re-order of the weights, where this product takes about 1.5 ms.
		 */
		private void upsampleByMatrixProduct(INDArray x, INDArray w, INDArray b, INDArray y) {
			requirePlain(x);
			requirePlain(w);
			requirePlain(y);
			int out = (int) weightDims[0], in = (int) weightDims[1], k = (int) weightDims[2];
			int h = (int) srcDims[2], width = (int) srcDims[3], outH = (int) dstDims[2], outW = (int) dstDims[3];
			int stride = (int) strides[0], pad = (int) padding[0];
			int pixels = h * width, rows = k * k * out;
			Pointer columnMemory = scratch("columns").of((long) rows * pixels * Float.BYTES);
			FloatBuffer columns = new FloatPointer(columnMemory).capacity((long) rows * pixels).asBuffer();
			FloatBuffer result = y.data().asNioFloat();
			float[] bias = b == null ? null : b.data().asFloat();
			for (int n = 0; n < srcDims[0]; n++) {
				int status = dnnl.dnnl_sgemm((byte) 'N', (byte) 'N', rows, pixels, in, 1f, new FloatPointer(w.data().addressPointer()), in,
						new FloatPointer(x.data().addressPointer()).position((long) n * in * pixels), pixels, 0f, new FloatPointer(columnMemory), pixels);
				if (status != dnnl.dnnl_success) throw new IllegalStateException("oneDNN's matrix product failed with status " + status);
				int sample = n * out * outH * outW;
				for (int o = 0; o < out; o++) {
					int plane = sample + o * outH * outW;
					float fill = bias == null ? 0f : bias[o];
					for (int i = 0; i < outH * outW; i++)
						result.put(plane + i, fill);
					for (int kh = 0; kh < k; kh++)
						for (int kw = 0; kw < k; kw++) {
							int row = ((kh * k + kw) * out + o) * pixels;
							for (int iy = 0; iy < h; iy++) {
								int oy = iy * stride - pad + kh;
								if (oy < 0 || oy >= outH) continue;
								for (int ix = 0; ix < width; ix++) {
									int ox = ix * stride - pad + kw;
									if (ox < 0 || ox >= outW) continue;
									int at = plane + oy * outW + ox;
									result.put(at, result.get(at) + columns.get(row + iy * width + ix));
								}
							}
						}
				}
			}
		}

		/** {@code a} (laid out as {@code user} says) where a primitive wants it in layout {@code wanted}: itself, or a re-ordered copy. */
		private Pointer in(String role, INDArray a, memory.desc user, memory.desc wanted) {
			requirePlain(a);
			Pointer data = a.data().addressPointer();
			if (sameLayout(a.shape(), user, wanted)) return data;
			Pointer into = scratch(role).of(wanted.get_size());
			Bound r = reorder(role + " in", user, wanted);
			r.set(dnnl.DNNL_ARG_FROM, user, data);
			r.set(dnnl.DNNL_ARG_TO, wanted, into);
			r.execute();
			return into;
		}

		/** Where a primitive writes a result that belongs in {@code a}: {@code a} itself, or scratch memory {@link #out} re-orders from. */
		private Pointer outBuffer(String role, INDArray a, memory.desc user, memory.desc made) {
			requirePlain(a);
			return sameLayout(a.shape(), user, made) ? a.data().addressPointer() : scratch(role).of(made.get_size());
		}

		/** Brings a result written by {@link #outBuffer} into {@code a}. */
		private void out(String role, INDArray a, memory.desc user, memory.desc made) {
			if (sameLayout(a.shape(), user, made)) return;
			Bound r = reorder(role + " out", made, user);
			r.set(dnnl.DNNL_ARG_FROM, made, scratch(role).of(made.get_size()));
			r.set(dnnl.DNNL_ARG_TO, user, a.data().addressPointer());
			r.execute();
		}

		private Bound reorder(String role, memory.desc from, memory.desc to) {
			return reorders.computeIfAbsent(role, r -> new Bound(new reorder(new reorder.primitive_desc(cpu, from, cpu, to))));
		}

		@Override
		void close() {
			for (Bound b : new Bound[] { forward, backwardData, backwardWeights })
				if (b != null) b.close();
			reorders.values().forEach(Bound::close);
		}
	}

	/**
	 * Normalisation for training, between ND4J's plain arrays: one sample {@code x} ({@code [1, C, h, w]})
	 * standardised per channel by the given {@code mean} and {@code variance} ({@code C} values each, the sample's
	 * own), then scaled and shifted by {@code gamma} and {@code beta} where given; written into {@code y}.
	 */
	synchronized void trainingNormalize(INDArray x, INDArray mean, INDArray variance, INDArray gamma, INDArray beta, INDArray y,
			double epsilon) {
		TrainingNorm n = trainingNorm(x, gamma != null, epsilon);
		oneDnn(() -> {
			n.forward(x, mean, variance, gamma, beta, y);
			return null;
		});
	}

	/**
	 * The gradients of {@link #trainingNormalize} for the gradient {@code gradY} of its result, the statistics taken
	 * as functions of {@code x}: written into {@code gradX} and, where there is a scale, {@code gradGamma} and
	 * {@code gradBeta}.
	 */
	synchronized void trainingNormalizeBackward(INDArray x, INDArray mean, INDArray variance, INDArray gamma, INDArray beta,
			INDArray gradY, INDArray gradX, INDArray gradGamma, INDArray gradBeta, double epsilon) {
		TrainingNorm n = trainingNorm(x, gamma != null, epsilon);
		oneDnn(() -> {
			n.backward(x, mean, variance, gamma, beta, gradY, gradX, gradGamma, gradBeta);
			return null;
		});
	}

	/**
	 * The gradient of an unscaled {@link #trainingNormalize} computed from its output {@code y} (the standardised
	 * input) and the input's {@code variance}, into {@code gradX}: oneDNN's gradient of a scaled normalisation with
	 * mean 0 and variance {@code 1 - epsilon} takes {@code y} as the standardised input, and a scale of 1/std per
	 * channel puts back the factor that the unit variance leaves out (in the same pass).
	 */
	synchronized void trainingNormalizeBackwardFromOutput(INDArray y, INDArray variance, INDArray gradY, INDArray gradX, double epsilon) {
		TrainingNorm n = trainingNorm(y, true, epsilon);
		long channels = y.size(1);
		UnitStatistics unit = kept("unit statistics " + channels + " " + epsilon, () -> new UnitStatistics(channels, epsilon));
		INDArray inverseStd = Transforms.pow(variance.reshape(channels).add(epsilon), -0.5, false);
		oneDnn(() -> {
			n.backward(y, unit.mean, unit.variance, inverseStd, unit.mean, gradY, gradX, unit.scaleGradient, unit.shiftGradient);
			return null;
		});
		inverseStd.close();
	}

	/**
	 * A mean of 0 (also the shift) and a variance of {@code 1 - epsilon} per channel, statistics under which
	 * oneDNN's normalisation leaves its input as it is, and room for the scale and shift gradients nobody reads.
	 */
	private static final class UnitStatistics extends Kept {
		final INDArray mean, variance, scaleGradient, shiftGradient;

		UnitStatistics(long channels, double epsilon) {
			mean = Nd4j.zeros(DataType.FLOAT, channels);
			variance = Nd4j.valueArrayOf(new long[] { channels }, (float) (1 - epsilon));
			scaleGradient = Nd4j.zeros(DataType.FLOAT, channels);
			shiftGradient = Nd4j.zeros(DataType.FLOAT, channels);
		}

		@Override
		void close() {
			for (INDArray a : new INDArray[] { mean, variance, scaleGradient, shiftGradient })
				a.close();
		}
	}

	private TrainingNorm trainingNorm(INDArray x, boolean scaled, double epsilon) {
		if (x.dataType() != DataType.FLOAT || x.rank() != 4 || x.size(0) != 1)
			throw new IllegalArgumentException("Expected one float sample [1, c, h, w], got " + x.shapeInfoToString());
		long[] shape = x.shape();
		return kept("train norm" + Arrays.toString(shape) + scaled + epsilon, () -> new TrainingNorm(shape, scaled, (float) epsilon));
	}

	/**
	 * Forward (with the given statistics) and backward primitives of one training normalisation, in the plain
	 * layout, the arrays given to oneDNN as they are.
	 */
	private final class TrainingNorm extends Kept {
		final memory.desc data, vector;
		final Bound forward, backward;
		final boolean scaled;

		TrainingNorm(long[] shape, boolean scaled, float epsilon) {
			this.scaled = scaled;
			data = plain(shape);
			vector = vector(shape[1]);
			int scale = scaled ? dnnl.normalization_flags.use_scale.value | dnnl.normalization_flags.use_shift.value : 0;
			batch_normalization_forward.primitive_desc inference = new batch_normalization_forward.primitive_desc(
					new batch_normalization_forward.desc(dnnl.prop_kind.forward_inference.value, data, epsilon,
							dnnl.normalization_flags.use_global_stats.value | scale), cpu);
			batch_normalization_forward.primitive_desc training = new batch_normalization_forward.primitive_desc(
					new batch_normalization_forward.desc(dnnl.prop_kind.forward_training.value, data, epsilon, scale), cpu);
			batch_normalization_backward.primitive_desc gradient = new batch_normalization_backward.primitive_desc(
					new batch_normalization_backward.desc((scaled ? dnnl.prop_kind.backward : dnnl.prop_kind.backward_data).value, data, data,
							epsilon, scale), cpu, training);
			forward = new Bound(new batch_normalization_forward(inference));
			backward = new Bound(new batch_normalization_backward(gradient));
		}

		void forward(INDArray x, INDArray mean, INDArray variance, INDArray gamma, INDArray beta, INDArray y) {
			inputs(forward, x, mean, variance, gamma, beta);
			forward.set(dnnl.DNNL_ARG_DST, data, plainData(y));
			forward.execute();
		}

		void backward(INDArray x, INDArray mean, INDArray variance, INDArray gamma, INDArray beta, INDArray gradY, INDArray gradX,
				INDArray gradGamma, INDArray gradBeta) {
			// oneDNN 2.5 wants the shift as an argument of the gradient too (it does not change it)
			inputs(backward, x, mean, variance, gamma, beta);
			backward.set(dnnl.DNNL_ARG_DIFF_DST, data, plainData(gradY));
			backward.set(dnnl.DNNL_ARG_DIFF_SRC, data, plainData(gradX));
			if (scaled) {
				backward.set(dnnl.DNNL_ARG_DIFF_SCALE, vector, plainData(gradGamma));
				backward.set(dnnl.DNNL_ARG_DIFF_SHIFT, vector, plainData(gradBeta));
			}
			backward.execute();
		}

		/** The arguments both directions take: the input, its statistics and, where scaled, scale and shift. */
		private void inputs(Bound b, INDArray x, INDArray mean, INDArray variance, INDArray gamma, INDArray beta) {
			b.set(dnnl.DNNL_ARG_SRC, data, plainData(x));
			b.set(dnnl.DNNL_ARG_MEAN, vector, plainData(mean));
			b.set(dnnl.DNNL_ARG_VARIANCE, vector, plainData(variance));
			if (scaled) {
				b.set(dnnl.DNNL_ARG_SCALE, vector, plainData(gamma));
				b.set(dnnl.DNNL_ARG_SHIFT, vector, plainData(beta));
			}
		}

		@Override
		void close() {
			forward.close();
			backward.close();
		}
	}

	/** The data of plain float array {@code a}. */
	private static Pointer plainData(INDArray a) {
		requirePlain(a);
		return a.data().addressPointer();
	}

	/**
	 * Whether layouts {@code a} and {@code b} of an array of {@code dims} are the same, so that no re-order is
	 * needed. oneDNN calls layouts equal that differ only in where dimensions of size 1 go (nchw and nhwc for one
	 * channel), which its convolution kernels then read differently (garbage results); arrays with such dimensions
	 * (other than the batch) are always re-ordered (they are small).
	 */
	private static boolean sameLayout(long[] dims, memory.desc a, memory.desc b) {
		for (int i = dims.length == 4 ? 1 : 0; i < dims.length; i++)
			if (dims[i] == 1) return false;
		return a.equals(b);
	}

	/** Training arrays must be plain: C order from their buffer's start (SameDiff's arrays are). */
	private static void requirePlain(INDArray a) {
		if (a.dataType() != DataType.FLOAT || !isPlain(a)) throw new IllegalArgumentException("Expected a plain float array, got " + a.shapeInfoToString());
	}

	/**
	 * Whether a training convolution from a plane of {@code src}'s size to one of {@code dst}'s is weight-bound: the
	 * smaller plane has at most {@value #WEIGHT_BOUND_PIXELS} pixels (the U-Net's inner layers, with up to 1024x512x4x4
	 * weights on planes of 1 to 8x8 pixels). Re-ordering such weights into a blocked layout took several times the
	 * arithmetic (pix2pix: most of the 93 ms of weight re-orders in each step).
	 */
	static boolean weightBound(long[] src, long[] dst) {
		return Math.min(src[2] * src[3], dst[2] * dst[3]) <= WEIGHT_BOUND_PIXELS;
	}

	static final long WEIGHT_BOUND_PIXELS = 64;

	/** Scratch memory for arrays of one role, kept and grown as needed. */
	private Scratch scratch(String role) {
		return scratches.computeIfAbsent(role, r -> new Scratch());
	}

	private final Map<String, Scratch> scratches = new HashMap<>();

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
		Bound norm = kept(name + Arrays.toString(shape) + kind(layout) + fixed + scaled, () -> {
			int flags = (fixed ? dnnl.normalization_flags.use_global_stats.value : 0)
					| (scaled ? dnnl.normalization_flags.use_scale.value | dnnl.normalization_flags.use_shift.value : 0);
			batch_normalization_forward.primitive_desc made = new batch_normalization_forward.primitive_desc(
					new batch_normalization_forward.desc(dnnl.prop_kind.forward_inference.value, desc, (float) SameDiffLayers.NORM_EPSILON, flags),
					cpu);
			return new Bound(new batch_normalization_forward(made));
		});
		INDArray y = inPlace && input == x ? x : layout == null ? Nd4j.createUninitialized(DataType.FLOAT, shape, 'c') : flat(desc);
		INDArray mean = fixed ? Nd4j.create(statistics[0]) : null, variance = fixed ? Nd4j.create(statistics[1]) : null;
		try {
			return oneDnn(() -> {
				norm.set(dnnl.DNNL_ARG_SRC, desc, input.data().addressPointer());
				norm.set(dnnl.DNNL_ARG_DST, desc, y.data().addressPointer());
				memory.desc vector = vector(shape[1]);
				if (fixed) {
					norm.set(dnnl.DNNL_ARG_MEAN, vector, mean.data().addressPointer());
					norm.set(dnnl.DNNL_ARG_VARIANCE, vector, variance.data().addressPointer());
				}
				if (scaled) {
					norm.parameter(dnnl.DNNL_ARG_SCALE, kept(name + ".gamma", gain, vector, vector));
					norm.parameter(dnnl.DNNL_ARG_SHIFT, kept(name + ".beta", shift, vector, vector));
				}
				norm.execute();
				return new Laid(y, layout);
			});
		} catch (RuntimeException | Error e) {
			if (y != x && y != input) y.close();
			throw e;
		} finally {
			if (input != x && input != y) input.close();
			if (fixed) {
				mean.close();
				variance.close();
			}
		}
	}

	/**
	 * {@code x}, in ND4J's plain layout ({@code layout} null) or blocked by 16 channels, padded by reflection by
	 * {@code pad} pixels on every side, in the same layout: one copy into the middle of the padded array, then the
	 * border rows and columns from inside it.
	 */
	synchronized Laid reflect(INDArray x, Layout layout, int pad) {
		if (layout != null && !layout.blocked) throw new IllegalArgumentException("Reflection padding needs the plain or the blocked layout");
		INDArray input = layout == null ? contiguous(x) : x;
		long[] shape = shape(x, layout);
		long h = shape[2], w = shape[3];
		if (h <= pad || w <= pad)
			throw new IllegalArgumentException("A plane of " + h + "x" + w + " pixels is too small for reflection padding by " + pad);
		long[] padded = { shape[0], shape[1], h + 2 * pad, w + 2 * pad };
		Reflection reflection = kept("reflect" + Arrays.toString(shape) + pad + kind(layout),
				() -> new Reflection(layout == null ? plain(shape) : layout.desc, shape, pad, pad, layout == null ? plain(padded) : blockedDesc(padded)));
		INDArray y = layout == null ? Nd4j.createUninitialized(DataType.FLOAT, padded, 'c') : flat(reflection.whole);
		try {
			return oneDnn(() -> {
				reflection.run(input.data().addressPointer(), y.data().addressPointer());
				return new Laid(y, layout == null ? null : new Layout(reflection.whole, padded, true));
			});
		} catch (RuntimeException | Error e) {
			y.close();
			throw e;
		} finally {
			if (input != x) input.close();
		}
	}

	/**
	 * Training's reflection padding of axis {@code axis} (2: rows, 3: columns) alone: plain {@code x} padded by
	 * {@code pad} lines at both ends of that axis, written into plain {@code y}.
	 */
	synchronized void trainingReflect(INDArray x, INDArray y, int axis, int pad) {
		requirePlain(x);
		requirePlain(y);
		long[] shape = shape(x, null);
		checkReflectable(shape, axis, pad);
		int padH = axis == 2 ? pad : 0, padW = axis == 3 ? pad : 0;
		long[] padded = { shape[0], shape[1], shape[2] + 2L * padH, shape[3] + 2L * padW };
		if (!Arrays.equals(padded, y.shape()))
			throw new IllegalArgumentException("Cannot write " + Arrays.toString(shape) + " padded along axis " + axis + " by " + pad + " into "
					+ Arrays.toString(y.shape()));
		Reflection reflection = kept("train reflect" + Arrays.toString(shape) + axis + "/" + pad,
				() -> new Reflection(plain(shape), shape, padH, padW, plain(padded)));
		oneDnn(() -> {
			reflection.run(x.data().addressPointer(), y.data().addressPointer());
			return null;
		});
	}

	/**
	 * The gradient of {@link #trainingReflect} for the gradient {@code gradY} of its result: {@code gradY}'s middle
	 * lines, with each border line added onto the line it copied, written into plain {@code gradX}.
	 */
	synchronized void trainingReflectBackward(INDArray gradY, INDArray gradX, int axis, int pad) {
		requirePlain(gradY);
		requirePlain(gradX);
		long[] shape = shape(gradX, null);
		checkReflectable(shape, axis, pad);
		long[] padded = shape.clone();
		padded[axis] += 2L * pad;
		if (!Arrays.equals(padded, gradY.shape()))
			throw new IllegalArgumentException("A gradient " + Arrays.toString(gradY.shape()) + " is not one of " + Arrays.toString(shape)
					+ " padded along axis " + axis + " by " + pad);
		Fold fold = kept("train fold" + Arrays.toString(shape) + axis + "/" + pad, () -> new Fold(shape, axis, pad));
		oneDnn(() -> {
			fold.run(gradY.data().addressPointer(), gradX.data().addressPointer());
			return null;
		});
	}

	private static void checkReflectable(long[] shape, int axis, int pad) {
		if ((axis != 2 && axis != 3) || pad < 1 || shape[axis] <= pad)
			throw new IllegalArgumentException("Cannot pad axis " + axis + " of " + Arrays.toString(shape) + " by reflection by " + pad);
	}

	/**
	 * A middle copy followed by line copies, each a kept re-order: the middle from one array into the target, the
	 * lines from another (or the target itself) into the target.
	 */
	private abstract static class Copies extends Kept {
		Bound middle;
		final List<Bound> lines = new ArrayList<>();

		void run(Pointer middleSource, Pointer lineSource, Pointer target) {
			execute(middle, middleSource, target);
			for (Bound line : lines)
				execute(line, lineSource, target);
		}

		private static void execute(Bound copy, Pointer from, Pointer to) {
			copy.set(dnnl.DNNL_ARG_FROM, copy.from, from);
			copy.set(dnnl.DNNL_ARG_TO, copy.to, to);
			copy.execute();
		}

		@Override
		void close() {
			middle.close();
			for (Bound line : lines)
				line.close();
		}
	}

	/** The copies of one reflection padding: the middle, then each border line from the line it mirrors. */
	private static final class Reflection extends Copies {
		final memory.desc whole;

		/** Rows padded by {@code padH} and columns by {@code padW} (either may be 0). */
		Reflection(memory.desc from, long[] shape, int padH, int padW, memory.desc whole) {
			long h = shape[2], w = shape[3];
			long[] padded = { shape[0], shape[1], h + 2L * padH, w + 2L * padW };
			this.whole = whole;
			middle = copy(from, whole.submemory_desc(shape, new long[] { 0, 0, padH, padW }), false);
			for (int i = 1; i <= padH; i++) {
				line(padded, 2, padH + i, padH - i, padW, w);
				line(padded, 2, padH + h - 1 - i, padH + h - 1 + i, padW, w);
			}
			for (int i = 1; i <= padW; i++) {
				line(padded, 3, padW + i, padW - i, 0, h + 2L * padH);
				line(padded, 3, padW + w - 1 - i, padW + w - 1 + i, 0, h + 2L * padH);
			}
		}

		/** Line {@code from} of {@code axis} (2: rows, 3: columns) to line {@code to}, over {@code length} pixels from {@code start}. */
		private void line(long[] padded, int axis, long from, long to, long start, long length) {
			long[] dims = lineDims(padded, axis, length);
			lines.add(copy(whole.submemory_desc(dims, lineOffsets(axis, from, start)), whole.submemory_desc(dims, lineOffsets(axis, to, start)),
					false));
		}

		/** Pads {@code source} into {@code target}: the border lines are copied from inside the target. */
		void run(Pointer source, Pointer target) {
			run(source, target, target);
		}
	}

	/**
	 * The gradient of a reflection padding of one axis, between plain arrays: the middle lines copied, then each
	 * border line added onto the line it was copied from.
	 */
	private static final class Fold extends Copies {

		Fold(long[] shape, int axis, int pad) {
			long[] padded = shape.clone();
			padded[axis] += 2L * pad;
			memory.desc whole = plain(padded), into = plain(shape);
			long n = shape[axis], length = shape[axis == 2 ? 3 : 2];
			middle = copy(whole.submemory_desc(shape, lineOffsets(axis, pad, 0)), into, false);
			long[] dims = lineDims(shape, axis, length);
			for (int i = 1; i <= pad; i++) {
				// border line pad - i copied line i; border line pad + n - 1 + i copied line n - 1 - i
				lines.add(copy(whole.submemory_desc(dims, lineOffsets(axis, pad - i, 0)), into.submemory_desc(dims, lineOffsets(axis, i, 0)), true));
				lines.add(copy(whole.submemory_desc(dims, lineOffsets(axis, pad + n - 1 + i, 0)),
						into.submemory_desc(dims, lineOffsets(axis, n - 1 - i, 0)), true));
			}
		}

		/** Folds the padded {@code gradient} into {@code target}. */
		void run(Pointer gradient, Pointer target) {
			run(gradient, gradient, target);
		}
	}

	/** The dimensions of one line along {@code axis} of an array of {@code dims} ([n, c, h, w]), {@code length} pixels long. */
	private static long[] lineDims(long[] dims, int axis, long length) {
		return axis == 2 ? new long[] { dims[0], dims[1], 1, length } : new long[] { dims[0], dims[1], length, 1 };
	}

	/** Where line {@code line} of {@code axis} starts, {@code start} pixels along it. */
	private static long[] lineOffsets(int axis, long line, long start) {
		return axis == 2 ? new long[] { 0, 0, line, start } : new long[] { 0, 0, start, line };
	}

	/** A re-order from {@code from} to {@code to}; with {@code adding}, it adds onto what {@code to} holds. */
	private static Bound copy(memory.desc from, memory.desc to, boolean adding) {
		Bound b;
		if (adding) {
			try (post_ops sum = new post_ops(); primitive_attr attributes = new primitive_attr()) {
				sum.append_sum(); // scale 1
				attributes.set_post_ops(sum);
				b = new Bound(new reorder(new reorder.primitive_desc(cpu, from, cpu, to, attributes, false)));
			}
		} else {
			b = new Bound(new reorder(new reorder.primitive_desc(cpu, from, cpu, to)));
		}
		b.from = from;
		b.to = to;
		return b;
	}

	/**
	 * {@code a} and {@code b}, single samples blocked by 16 channels, side by side along the channels: in that
	 * layout a sample's channel blocks come one after the other, so this is {@code a}'s elements followed by
	 * {@code b}'s.
	 */
	static Laid concatBlocked(INDArray a, Layout aLayout, INDArray b, Layout bLayout) {
		if (!aLayout.blocked || !bLayout.blocked || aLayout.shape[0] != 1 || bLayout.shape[0] != 1)
			throw new IllegalArgumentException("Concatenation here needs single samples in the blocked layout");
		long[] shape = { 1, aLayout.shape[1] + bLayout.shape[1], aLayout.shape[2], aLayout.shape[3] };
		memory.desc desc = blockedDesc(shape);
		if ((a.length() + b.length()) * 4 != desc.get_size())
			throw new IllegalStateException("Blocked arrays of " + a.length() + " and " + b.length() + " elements do not make " + Arrays.toString(shape));
		// two plain copies (ND4J's concatenation took about 1 ms a call, mostly outside the copying)
		INDArray y = Nd4j.createUninitialized(DataType.FLOAT, new long[] { a.length() + b.length() }, 'c');
		Pointer target = y.data().addressPointer();
		Pointer.memcpy(target, a.data().addressPointer(), a.length() * 4);
		Pointer.memcpy(new Pointer(target).position(a.length() * 4), b.data().addressPointer(), b.length() * 4);
		return new Laid(y, new Layout(desc, shape, true));
	}

	/** oneDNN's element-wise functions used here. */
	enum Function {
		RELU, LEAKY_RELU, TANH
	}

	/**
	 * {@code f} applied to every element of {@code x} (whatever its layout: channels a layout pads with zeros stay
	 * zero under each function), in place when {@code inPlace}; {@code alpha} is the leaky ReLU's slope.
	 */
	synchronized INDArray elementWise(Function f, INDArray x, double alpha, boolean inPlace) {
		INDArray input = contiguous(x);
		long length = input.length();
		memory.desc vector = vector(length);
		Bound b = kept(f + " " + alpha + " " + length, () -> {
			dnnl.algorithm algorithm = f == Function.TANH ? dnnl.algorithm.eltwise_tanh : dnnl.algorithm.eltwise_relu;
			float slope = f == Function.LEAKY_RELU ? (float) alpha : 0;
			eltwise_forward.primitive_desc made = new eltwise_forward.primitive_desc(
					new eltwise_forward.desc(dnnl.prop_kind.forward_inference, algorithm, vector, slope, 0), cpu);
			return new Bound(new eltwise_forward(made));
		});
		INDArray y = inPlace && input == x ? x : Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c');
		try {
			return oneDnn(() -> {
				b.set(dnnl.DNNL_ARG_SRC, vector, input.data().addressPointer());
				b.set(dnnl.DNNL_ARG_DST, vector, y.data().addressPointer());
				b.execute();
				return y;
			});
		} catch (RuntimeException | Error e) {
			if (y != x) y.close();
			throw e;
		} finally {
			if (input != x && input != y) input.close();
		}
	}

	/** Training's leaky ReLU (slope {@code alpha} below zero; 0: ReLU) of plain {@code x}, written into plain {@code y}. */
	synchronized void trainingLeakyRelu(INDArray x, INDArray y, double alpha) {
		TrainingRelu r = trainingRelu(x, y, alpha);
		oneDnn(() -> {
			r.forward.set(dnnl.DNNL_ARG_SRC, r.vector, x.data().addressPointer());
			r.forward.set(dnnl.DNNL_ARG_DST, r.vector, y.data().addressPointer());
			r.forward.execute();
			return null;
		});
	}

	/** The gradient of {@link #trainingLeakyRelu} at {@code x} for the gradient {@code gradY} of its result, into {@code gradX}. */
	synchronized void trainingLeakyReluBackward(INDArray x, INDArray gradY, INDArray gradX, double alpha) {
		TrainingRelu r = trainingRelu(x, gradX, alpha);
		if (gradY.length() != x.length()) throw new IllegalArgumentException("A gradient of " + gradY.length() + " elements for " + x.length());
		requirePlain(gradY);
		oneDnn(() -> {
			r.backward.set(dnnl.DNNL_ARG_SRC, r.vector, x.data().addressPointer());
			r.backward.set(dnnl.DNNL_ARG_DIFF_DST, r.vector, gradY.data().addressPointer());
			r.backward.set(dnnl.DNNL_ARG_DIFF_SRC, r.vector, gradX.data().addressPointer());
			r.backward.execute();
			return null;
		});
	}

	private TrainingRelu trainingRelu(INDArray x, INDArray y, double alpha) {
		requirePlain(x);
		requirePlain(y);
		if (x.dataType() != DataType.FLOAT || x.length() != y.length())
			throw new IllegalArgumentException("Expected two float arrays of one length, got " + x.shapeInfoToString() + " and " + y.shapeInfoToString());
		long length = x.length();
		return kept("train relu " + alpha + " " + length, () -> new TrainingRelu(length, (float) alpha));
	}

	/** Forward and backward primitives of a training (leaky) ReLU over a vector of elements. */
	private final class TrainingRelu extends Kept {
		final memory.desc vector;
		final Bound forward, backward;

		TrainingRelu(long length, float alpha) {
			vector = vector(length);
			eltwise_forward.primitive_desc made = new eltwise_forward.primitive_desc(
					new eltwise_forward.desc(dnnl.prop_kind.forward_training, dnnl.algorithm.eltwise_relu, vector, alpha, 0), cpu);
			forward = new Bound(new eltwise_forward(made));
			backward = new Bound(new eltwise_backward(
					new eltwise_backward.primitive_desc(new eltwise_backward.desc(dnnl.algorithm.eltwise_relu, vector, vector, alpha, 0), cpu, made)));
		}

		@Override
		void close() {
			forward.close();
			backward.close();
		}
	}

	/** {@code x}, laid out as {@code layout} says, as a new array in ND4J's plain layout. */
	synchronized INDArray plain(INDArray x, Layout layout) {
		memory.desc target = plain(layout.shape);
		String key = "plain" + Arrays.toString(layout.shape) + kind(layout);
		Maker maker = () -> {
			Bound b = new Bound(new reorder(new reorder.primitive_desc(cpu, layout.desc, cpu, target)));
			b.from = layout.desc;
			return b;
		};
		Bound toPlain = kept(key, maker);
		if (!toPlain.from.equals(layout.desc)) {
			kept.remove(key).close();
			toPlain = kept(key, maker);
		}
		Bound reorder = toPlain;
		INDArray y = Nd4j.createUninitialized(DataType.FLOAT, layout.shape, 'c');
		try {
			return oneDnn(() -> {
				reorder.set(dnnl.DNNL_ARG_FROM, layout.desc, x.data().addressPointer());
				reorder.set(dnnl.DNNL_ARG_TO, target, y.data().addressPointer());
				reorder.execute();
				return y;
			});
		} catch (RuntimeException | Error e) {
			y.close();
			throw e;
		}
	}

	/**
	 * Parameter {@code key} ({@code a}, laid out as {@code plain} describes) copied once into oneDNN's memory in
	 * layout {@code wanted}, and kept; copied again only if a primitive wants another layout.
	 */
	private memory kept(String key, INDArray a, memory.desc plain, memory.desc wanted) {
		Parameter copy = parameters.get(key);
		if (copy != null && (copy.desc == wanted || copy.desc.equals(wanted))) return copy.memory;
		INDArray source = contiguous(a);
		memory made = new memory(wanted, cpu);
		Bound reorder = new Bound(new reorder(new reorder.primitive_desc(cpu, plain, cpu, wanted)));
		try {
			reorder.set(dnnl.DNNL_ARG_FROM, plain, source.data().addressPointer());
			reorder.parameter(dnnl.DNNL_ARG_TO, made);
			reorder.execute();
		} finally {
			reorder.close();
			if (source != a) source.close();
		}
		Parameter previous = parameters.put(key, new Parameter(made, wanted));
		if (previous != null) previous.memory.close();
		return made;
	}

	/** Something kept between calls that holds native objects. */
	private abstract static class Kept {
		abstract void close();
	}

	/**
	 * A primitive with a memory object for each argument, made at its first use and afterwards only pointed at each
	 * call's arrays: making them anew took about as long as the small re-orders themselves.
	 */
	private static class Bound extends Kept {
		final primitive primitive;
		private final IntMemoryMap arguments = new IntMemoryMap();
		/** Memory objects made here, by argument; closed with the primitive. */
		private final Map<Integer, memory> own = new HashMap<>();
		/** Kept parameters' memory (not closed here), by argument. */
		private final Map<Integer, memory> shared = new HashMap<>();
		/** The layouts a re-order copies between, where it is one. */
		memory.desc from, to;

		Bound(primitive primitive) {
			this.primitive = primitive;
		}

		/** Points argument {@code argument} (of layout {@code desc}) at {@code data}. */
		void set(int argument, memory.desc desc, Pointer data) {
			memory m = own.get(argument);
			if (m == null) {
				m = new memory(desc, cpu, data);
				own.put(argument, m);
				arguments.put(argument, m);
			} else {
				m.set_data_handle(data);
			}
		}

		/** Makes kept memory {@code m} argument {@code argument}. */
		void parameter(int argument, memory m) {
			if (shared.get(argument) != m) {
				arguments.put(argument, m);
				shared.put(argument, m);
			}
		}

		void execute() {
			stream s = STREAMS.get();
			primitive.execute(s, arguments);
			s._wait();
		}

		@Override
		void close() {
			primitive.close();
			own.values().forEach(memory::close);
			arguments.close();
		}
	}

	private interface Maker {
		Kept make();
	}

	/** What is kept under {@code key}, made the first time. */
	@SuppressWarnings("unchecked")
	private <T extends Kept> T kept(String key, Maker maker) {
		Kept k = kept.get(key);
		if (k == null) {
			k = oneDnn(maker::make);
			kept.put(key, k);
		}
		return (T) k;
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

	/**
	 * Whether activations of {@code shape} are kept blocked by 16 channels: where the channels fill whole blocks.
	 * Convolutions are made to give and take that layout, so that reflection padding can work in it
	 * ({@link #reflect}) and the next convolution reads the padded array as it is. (Fewer channels, as in a
	 * network's first and last layers, are left to the primitive's choice: blocks would multiply their work.)
	 */
	private static boolean blocks(long[] shape) {
		return shape[1] % 16 == 0;
	}

	private static memory.desc blockedDesc(long[] shape) {
		return new memory.desc(shape, memory.data_type.f32, memory.format_tag.nChw16c);
	}

	private static String kind(Layout layout) {
		return layout == null ? " plain" : layout.blocked ? " blocked" : " chosen";
	}

	/** A convolution's input layout: the blocked one where its input lies so, else the primitive's choice. */
	private static memory.desc source(long[] shape, Layout layout) {
		return layout != null && layout.blocked ? blockedDesc(shape) : any(shape);
	}

	/** A convolution's output layout: blocked where the channels fill whole blocks, else the primitive's choice. */
	private static memory.desc result(long[] shape) {
		return blocks(shape) ? blockedDesc(shape) : any(shape);
	}

	/** Plain layouts of vectors by length, made once (normalisation asks for one on every call). */
	private final Map<Long, memory.desc> vectors = new HashMap<>();

	private memory.desc vector(long length) {
		return vectors.computeIfAbsent(length, n -> plain(new long[] { n }));
	}

	private static memory.desc any(long[] dims) {
		return new memory.desc(dims, memory.data_type.f32, memory.format_tag.any);
	}

	private static memory.desc plain(long[] dims) {
		return new memory.desc(dims, memory.data_type.f32, dims.length == 1 ? memory.format_tag.x : memory.format_tag.nchw);
	}

	/**
	 * Memory for arrays re-ordered into or out of a primitive's layout, kept and grown to the largest a layer
	 * needs. Memory freshly allocated for every call came from new pages: 4096 page faults, about 30 ms here, per
	 * 16 MB, as long as the convolution itself. It is mapped outside the C allocator where possible
	 * ({@link NativeRuntime#mapMemory}), else taken from ND4J.
	 */
	private static final class Scratch {
		private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();

		/** The mapping, shared with the cleaner that unmaps it once this scratch is unreachable. */
		private final long[] mapping = new long[2];
		private INDArray buffer;
		private Pointer pointer;

		Scratch() {
			long[] m = mapping;
			CLEANER.register(this, () -> NativeRuntime.unmapMemory(m[0], m[1]));
		}

		Pointer of(long bytes) {
			if (pointer != null && mapping[1] >= bytes) return pointer;
			release();
			long capacity = Math.max(bytes, 1 << 20);
			long mapped = NativeRuntime.mapMemory(capacity);
			if (mapped != 0) {
				mapping[0] = mapped;
				mapping[1] = capacity;
				pointer = new Pointer() {
					{
						address = mapped;
					}
				};
			} else {
				buffer = Nd4j.createUninitialized(DataType.FLOAT, new long[] { (capacity + 3) / 4 }, 'c');
				mapping[1] = capacity;
				pointer = buffer.data().addressPointer();
			}
			return pointer;
		}

		private void release() {
			NativeRuntime.unmapMemory(mapping[0], mapping[1]);
			mapping[0] = 0;
			mapping[1] = 0;
			if (buffer != null) buffer.close();
			buffer = null;
			pointer = null;
		}
	}

	/**
	 * Whether {@code a}'s elements lie in plain C order from its buffer's start (the buffer may be longer: SameDiff's
	 * array cache hands out arrays over larger buffers).
	 */
	static boolean isPlain(INDArray a) {
		if (a.offset() != 0 || a.data().length() < a.length()) return false;
		// C order: each axis longer than 1 steps over the elements of the axes after it (ND4J's own test of default
		// strides also rejects arrays with axes of length 1)
		long step = 1;
		for (int i = a.rank() - 1; i >= 0; i--) {
			if (a.size(i) > 1 && a.stride(i) != step) return false;
			step *= a.size(i);
		}
		return true;
	}

	/** {@code a} if its elements lie in plain C order from its buffer's start, else such a copy. */
	private static INDArray contiguous(INDArray a) {
		return isPlain(a) ? a : a.dup('c');
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
