package io.github.imagetranslation.engine.nn;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.config.ExecutionResult;
import org.nd4j.autodiff.samediff.config.SDValue;
import org.nd4j.autodiff.samediff.internal.FrameIter;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.ScalarOp;

import io.github.imagetranslation.engine.nn.ops.Normalize;
import io.github.imagetranslation.engine.nn.ops.NormalizeBp;
import io.github.imagetranslation.engine.nn.ops.NormalizeBpFromOutput;
import io.github.imagetranslation.engine.nn.ops.ReflectionPad;
import io.github.imagetranslation.engine.nn.ops.ReflectionPadBp;

/**
 * A SameDiff execution session that runs the graph's convolutions and transposed convolutions with their
 * gradients, per-channel normalisation of single samples with its gradient, and reflection padding with its
 * gradient through {@link OneDnnPrimitives} (primitives made once per layer and shape, oneDNN's newer kernels):
 * ND4J's conv2d_bp re-makes its primitives and re-orders on every call and took about twice as long (21 against
 * 10 ms for 256 channels of 34x34 px, 73 against 44 ms for a 7x7 kernel over 64 channels of 134x134 px), and its
 * normalisation gradient about three times as long. Padding's gradient is one op here
 * ({@link ReflectionPadBp}, in graphs built by {@link #createGradFunction}) instead of many slices. Every other op,
 * and any of these outside what is handled here (dilation, "same" padding, other layouts, several samples), runs
 * as SameDiff would.
 */
public final class OneDnnSession extends InferenceSession {

	private final OneDnnPrimitives primitives;
	/** How many ops of each name ran through oneDNN here (for tests). */
	private final java.util.Map<String, Integer> handled = new java.util.HashMap<>();

	private OneDnnSession(SameDiff sd, OneDnnPrimitives primitives) {
		super(sd);
		this.primitives = primitives;
	}

	/**
	 * Makes {@code sd} run on this thread through such a session from its next execution on (where oneDNN's
	 * library is there; else it keeps SameDiff's own session). Call again after its sessions were dropped.
	 */
	public static void install(SameDiff sd) {
		if (!OneDnnPrimitives.available()) return;
		long thread = Thread.currentThread().getId();
		if (!(sd.getSessions().get(thread) instanceof OneDnnSession)) sd.getSessions().put(thread, new OneDnnSession(sd, new OneDnnPrimitives()));
	}

	@Override
	public ExecutionResult doExec(DifferentialFunction op, OpContext context, FrameIter outputFrameIter, Set<VarId> opInputs,
			Set<VarId> allIterInputs, Set<String> constAndPhInputs, Map<String, SDValue> otherPlaceHolders) {
		String name = op.opName();
		boolean transposed = "deconv2d".equals(name) || "deconv2d_bp".equals(name);
		if ((transposed || "conv2d".equals(name) || "conv2d_bp".equals(name)) && handles(context)) {
			List<INDArray> in = context.getInputArrays();
			List<INDArray> out = context.getOutputArrays();
			List<Long> a = context.getIArguments();
			int k = a.get(0).intValue(), stride = a.get(2).intValue(), pad = a.get(4).intValue();
			boolean forward = "conv2d".equals(name) || "deconv2d".equals(name);
			boolean bias = forward ? in.size() == 3 : in.size() == 4;
			if (forward) {
				primitives.trainingForward(in.get(0), in.get(1), bias ? in.get(2) : null, out.get(0), k, stride, pad, transposed);
			} else {
				INDArray gradY = in.get(bias ? 3 : 2);
				primitives.trainingBackward(in.get(0), in.get(1), gradY, out.get(0), out.get(1), bias ? out.get(2) : null, k, stride, pad,
						transposed);
			}
			handled.merge(name, 1, Integer::sum);
			return ExecutionResult.createFrom(op, context);
		}
		if ((Normalize.NAME.equals(name) || NormalizeBp.NAME.equals(name)) && handlesNorm(context)) {
			List<INDArray> in = context.getInputArrays();
			List<INDArray> out = context.getOutputArrays();
			boolean affine = context.getIArguments().get(0) != 0;
			double epsilon = context.getTArguments().get(0);
			INDArray gamma = affine ? in.get(3) : null, beta = affine ? in.get(4) : null;
			if (Normalize.NAME.equals(name)) {
				primitives.trainingNormalize(in.get(0), in.get(1), in.get(2), gamma, beta, out.get(0), epsilon);
			} else {
				primitives.trainingNormalizeBackward(in.get(0), in.get(1), in.get(2), gamma, beta, in.get(in.size() - 1), out.get(0),
						affine ? out.get(3) : null, affine ? out.get(4) : null, epsilon);
				// the statistics' gradients are not used (NormStatistics has none); they are left zero
				out.get(1).assign(0);
				out.get(2).assign(0);
			}
			handled.merge(name, 1, Integer::sum);
			return ExecutionResult.createFrom(op, context);
		}
		if (NormalizeBpFromOutput.NAME.equals(name)) {
			if (!plainFloats(context) || context.getInputArray(0).rank() != 4 || context.getInputArray(0).size(0) != 1)
				throw new IllegalStateException("Cannot run " + name + " on " + context.getInputArray(0).shapeInfoToString() + " (one plain float sample only)");
			primitives.trainingNormalizeBackwardFromOutput(context.getInputArray(0), context.getInputArray(2), context.getInputArray(3),
					context.getOutputArray(0), context.getTArguments().get(0));
			context.getOutputArray(1).assign(0);
			context.getOutputArray(2).assign(0);
			handled.merge(name, 1, Integer::sum);
			return ExecutionResult.createFrom(op, context);
		}
		if (("leakyrelu".equals(name) || "lrelu_bp".equals(name) || "relu_bp".equals(name)) && handlesElementWise(context)) {
			INDArray x = context.getInputArray(0), out = context.getOutputArray(0);
			if ("leakyrelu".equals(name)) primitives.trainingLeakyRelu(x, out, ((ScalarOp) op).scalar().getDouble(0));
			else primitives.trainingLeakyReluBackward(x, context.getInputArray(1), out, "relu_bp".equals(name) ? 0 : context.getTArguments().get(0));
			handled.merge(name, 1, Integer::sum);
			return ExecutionResult.createFrom(op, context);
		}
		if (ReflectionPad.NAME.equals(name) || ReflectionPadBp.NAME.equals(name)) {
			INDArray in = context.getInputArray(0), out = context.getOutputArray(0);
			if (in.dataType() == DataType.FLOAT && in.rank() == 4 && OneDnnPrimitives.isPlain(in) && OneDnnPrimitives.isPlain(out)) {
				if (ReflectionPad.NAME.equals(name)) primitives.trainingReflect(in, out, ReflectionPad.axis(context), ReflectionPad.padding(context));
				else primitives.trainingReflectBackward(in, out, ReflectionPad.axis(context), ReflectionPad.padding(context));
				handled.merge(name, 1, Integer::sum);
				return ExecutionResult.createFrom(op, context);
			}
			if (ReflectionPadBp.NAME.equals(name))
				throw new IllegalStateException("Cannot run " + name + " on " + in.shapeInfoToString() + " (plain float arrays only)");
		}
		return super.doExec(op, context, outputFrameIter, opInputs, allIterInputs, constAndPhInputs, otherPlaceHolders);
	}

	/**
	 * Builds {@code sd}'s gradient function in the form this session runs fastest and in least memory (reflection
	 * paddings' gradients as one op each, paddings and ReLU outputs made again for the weight gradients
	 * ({@link PaddingRecomputation}), unscaled normalisations' gradients from their outputs
	 * ({@link NormalizationFromOutput}); some of these ops only this session runs); the usual form where oneDNN is
	 * not there. Run the gradient function only with this session {@link #install installed}.
	 */
	public static void createGradFunction(SameDiff sd) {
		if (OneDnnPrimitives.available()) {
			ReflectionPad.withOneOpGradients(() -> {
				sd.createGradFunction();
				return null;
			});
			PaddingRecomputation.rewrite(sd.getFunction("grad"));
			NormalizationFromOutput.rewrite(sd, sd.getFunction("grad"));
		} else {
			sd.createGradFunction();
		}
	}

	/**
	 * The ops and variables needed for {@code variables}: worked out once per set of requested variables and graph
	 * size, then copied. SameDiff works them out anew on every run, walking the whole graph with a regular
	 * expression per variable: about 50 ms of a CycleGAN iteration at 128 px, the same every time for a training
	 * graph. (A graph changed without changing its number of ops or variables would need a new session.)
	 */
	@Override
	protected void initSubgraph(Set<String> variables) {
		List<Object> key = List.of(new HashSet<>(variables), sameDiff.getOps().size(), sameDiff.getVariables().size());
		if (!key.equals(subgraphKey)) {
			super.initSubgraph(variables);
			subgraphKey = key;
			knownSubgraph = List.copyOf(subgraph);
			knownSubgraphOps = List.copyOf(subgraphOps);
			knownZeroInputOps = List.copyOf(zeroInputOpsInSubgraph);
			return;
		}
		subgraph.addAll(knownSubgraph);
		subgraphOps.addAll(knownSubgraphOps);
		zeroInputOpsInSubgraph.addAll(knownZeroInputOps);
	}

	/** What {@link #initSubgraph} last worked out, and for which requested variables and graph size. */
	private List<Object> subgraphKey;
	private List<String> knownSubgraph, knownSubgraphOps, knownZeroInputOps;

	/** How many ops called {@code name} ran through oneDNN in this session. */
	int handled(String name) {
		return handled.getOrDefault(name, 0);
	}

	/** Whether the element-wise op in {@code context} has one output and plain float arrays only. */
	private static boolean handlesElementWise(OpContext context) {
		return context.getOutputArrays().size() == 1 && plainFloats(context);
	}

	/** Whether every input and output array in {@code context} is a plain float array. */
	private static boolean plainFloats(OpContext context) {
		for (List<INDArray> arrays : List.of(context.getInputArrays(), context.getOutputArrays()))
			for (INDArray y : arrays)
				if (y == null || y.dataType() != DataType.FLOAT || !OneDnnPrimitives.isPlain(y)) return false;
		return true;
	}

	/**
	 * Whether the normalisation in {@code context} is one handled here: one sample {@code [1, C, h, w]} with
	 * statistics per channel (instance normalisation, or batch normalisation of a single sample), plain float arrays.
	 */
	private static boolean handlesNorm(OpContext context) {
		List<Long> a = context.getIArguments();
		List<Long> axes = a.subList(2, a.size());
		boolean perChannel = axes.equals(List.of(0L, 1L)) || axes.equals(List.of(1L));
		INDArray x = context.getInputArrays().get(0);
		return perChannel && x.rank() == 4 && x.size(0) == 1 && !context.getTArguments().isEmpty() && plainFloats(context);
	}

	/**
	 * Whether the (transposed) convolution in {@code context} is one handled here: square kernel, equal strides and
	 * paddings, dilation 1, explicit padding, NCHW activations, weights [kH, kW, in, out] ([kH, kW, out, in]
	 * transposed), plain float arrays.
	 */
	private static boolean handles(OpContext context) {
		List<Long> a = context.getIArguments();
		if (a.size() < 10 || !a.get(0).equals(a.get(1)) || !a.get(2).equals(a.get(3)) || !a.get(4).equals(a.get(5)) || a.get(6) != 1
				|| a.get(7) != 1 || a.get(8) != 0 || a.get(9) != 0 || (a.size() > 10 && a.get(10) != 0))
			return false;
		return plainFloats(context) && context.getInputArrays().get(0).rank() == 4;
	}
}
