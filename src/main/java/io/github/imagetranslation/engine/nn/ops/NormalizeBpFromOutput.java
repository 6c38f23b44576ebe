package io.github.imagetranslation.engine.nn.ops;

import java.util.Arrays;
import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;

/**
 * The gradient of a {@link Normalize} without scale and shift computed from its output {@code y} (which is the
 * standardised input itself) instead of its input: inputs {@code y}, mean, variance and the gradient of
 * {@code y}; outputs the gradients for the input, the mean and the variance (the last two zero, as
 * {@link NormalizeBp}'s are not used). Reading the output lets the input be freed after the forward pass. No
 * native op computes this; only an execution session that runs it itself may be given a graph with it
 * ({@code OneDnnSession}, which puts it in place of {@link NormalizeBp} where it can).
 */
public final class NormalizeBpFromOutput extends SessionOnlyOp {

	public static final String NAME = "imagetranslation_normalize_bp_from_output";

	/** For re-creation; the arguments are copied from the {@link NormalizeBp} it replaces. */
	public NormalizeBpFromOutput() {}

	@Override
	public String opName() { return NAME; }

	@Override
	public int getNumOutputs() { return 3; }

	@Override
	public List<LongShapeDescriptor> calculateOutputShape(OpContext context) {
		LongShapeDescriptor[] shapes = new LongShapeDescriptor[3];
		for (int i = 0; i < 3; i++)
			shapes[i] = LongShapeDescriptor.fromShape(context.getInputArray(i).shape(), context.getInputArray(i).dataType());
		return Arrays.asList(shapes);
	}

	@Override
	public List<SDVariable> doDiff(List<SDVariable> gradients) {
		throw new UnsupportedOperationException("Second derivatives of normalisation are not supported");
	}
}
