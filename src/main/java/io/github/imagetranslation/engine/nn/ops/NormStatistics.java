package io.github.imagetranslation.engine.nn.ops;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Mean and biased variance of its input over some axes (libnd4j {@code moments}), for {@link Normalize} only: it
 * has no gradient of its own, because {@link Normalize}'s input gradient already is the whole derivative through
 * these statistics. Never use its outputs for anything else in a graph that is differentiated.
 */
public final class NormStatistics extends NativeAlias {

	public static final String NAME = "imagetranslation_norm_statistics";

	public NormStatistics() {}

	NormStatistics(SameDiff sd, SDVariable x, boolean keepDims, int... axes) {
		super(sd, x);
		addIArgument(axes);
		addBArgument(keepDims);
	}

	@Override
	public String opName() { return NAME; }

	@Override
	public int getNumOutputs() { return 2; }

	@Override
	protected String nativeName() { return "moments"; }

	@Override
	public List<DataType> calculateOutputDataTypes(List<DataType> in) {
		return Arrays.asList(in.get(0), in.get(0));
	}

	/** Nothing: {@link Normalize#doDiff} accounts for the statistics (see the class comment). */
	@Override
	public List<SDVariable> doDiff(List<SDVariable> gradients) {
		return Collections.emptyList();
	}
}
