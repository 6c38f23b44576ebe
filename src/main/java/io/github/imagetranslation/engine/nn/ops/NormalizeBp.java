package io.github.imagetranslation.engine.nn.ops;

import java.util.Collections;
import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Gradient of {@link Normalize} (libnd4j {@code batchnorm_bp}): outputs the gradients for x (through the
 * statistics), for the mean and variance (not used further), and for gamma and beta when the op is affine.
 */
public final class NormalizeBp extends NativeAlias {

	public static final String NAME = "imagetranslation_normalize_bp";

	public NormalizeBp() {}

	NormalizeBp(SameDiff sd, SDVariable[] inputs, boolean affine, double epsilon, int[] axes) {
		super(sd, inputs);
		addIArgument(affine ? 1 : 0, affine ? 1 : 0);
		addIArgument(axes);
		addTArgument(epsilon);
	}

	@Override
	public String opName() { return NAME; }

	@Override
	public int getNumOutputs() { return args().length - 1; }

	@Override
	protected String nativeName() { return "batchnorm_bp"; }

	/** x, mean, variance[, gamma, beta], gradient in; gradients for each but the last out. */
	@Override
	public List<DataType> calculateOutputDataTypes(List<DataType> in) {
		return Collections.nCopies(in.size() - 1, in.get(0));
	}

	@Override
	public List<SDVariable> doDiff(List<SDVariable> gradients) {
		throw new UnsupportedOperationException("Second derivatives of normalisation are not supported");
	}
}
