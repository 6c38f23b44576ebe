package io.github.imagetranslation.engine.nn.ops;

import java.util.Collections;
import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;

/**
 * The gradient of a {@link ReflectionPad} of one axis as one op: the incoming gradient's middle lines, with each
 * border line added onto the line it was copied from. No native op computes this, so only an execution session
 * that runs it itself may be given a graph with it ({@code OneDnnSession}, see
 * {@link ReflectionPad#withOneOpGradients}); elsewhere the gradient is built from slices, additions and a
 * concatenation, which took about 0.2 s of a 2.4 s CycleGAN iteration at 128 px in ~1,300 small ops.
 */
public final class ReflectionPadBp extends SessionOnlyOp {

	public static final String NAME = "imagetranslation_reflection_pad_bp";

	public ReflectionPadBp() {}

	ReflectionPadBp(SameDiff sd, SDVariable gradient, int axis, int padding) {
		super(sd, gradient);
		// as ReflectionPad keeps them, read by its axis() and padding()
		addIArgument(axis);
		addTArgument(padding);
	}

	@Override
	public String opName() { return NAME; }

	@Override
	public List<LongShapeDescriptor> calculateOutputShape(OpContext context) {
		long[] shape = context.getInputArray(0).shape().clone();
		shape[ReflectionPad.axis(context)] -= 2L * ReflectionPad.padding(context);
		return Collections.singletonList(LongShapeDescriptor.fromShape(shape, context.getInputArray(0).dataType()));
	}

	@Override
	public List<SDVariable> doDiff(List<SDVariable> gradients) {
		throw new UnsupportedOperationException("Second derivatives of reflection padding are not supported");
	}
}
