package io.github.imagetranslation.engine.nn.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * {@code gamma * (x - mean) / sqrt(var + eps) + beta} with the statistics of {@code x} itself over the reduced axes
 * (libnd4j {@code batchnorm}, oneDNN's batch normalisation for a single channel axis), differentiated in one
 * native op ({@code batchnorm_bp}, which treats the mean and variance as functions of {@code x}: {@code dx =
 * gamma / sigma * (dy - mean(dy) - xhat * mean(dy * xhat))}). Built only by {@link #normalize}, together with the
 * {@link NormStatistics} it needs, so that the statistics are always those of {@code x}.
 */
public final class Normalize extends NativeAlias {

	public static final String NAME = "imagetranslation_normalize";

	private boolean normAffine;
	private double normEpsilon;
	private int[] normAxes;

	public Normalize() {}

	private Normalize(SameDiff sd, SDVariable[] inputs, boolean affine, double epsilon, int[] axes) {
		super(sd, inputs);
		this.normAffine = affine;
		this.normEpsilon = epsilon;
		this.normAxes = axes.clone();
		addIArgument(affine ? 1 : 0, affine ? 1 : 0);
		addIArgument(axes);
		addTArgument(epsilon);
	}

	/**
	 * Normalises {@code x} by its mean and biased variance over every axis not in {@code kept} (the statistics are
	 * per index of the kept axes), then scales and shifts by {@code gamma} and {@code beta} if they are not null;
	 * these then have the shape of the statistics: {@code [C]} when only axis 1 is kept, else {@code x}'s rank with
	 * 1 for every reduced axis.
	 *
	 * @param kept axes with their own statistics, ascending: {@code {1}} for batch normalisation of NCHW data,
	 *            {@code {0, 1}} for instance normalisation
	 */
	public static SDVariable normalize(SameDiff sd, SDVariable x, int rank, int[] kept, SDVariable gamma, SDVariable beta,
			double epsilon) {
		if ((gamma == null) != (beta == null)) throw new IllegalArgumentException("Give both gamma and beta or neither");
		List<Integer> reduced = new ArrayList<>();
		for (int a = 0; a < rank; a++)
			if (Arrays.binarySearch(kept, a) < 0) reduced.add(a);
		int[] reduce = reduced.stream().mapToInt(Integer::intValue).toArray();
		SDVariable[] stats = new NormStatistics(sd, x, kept.length > 1, reduce).outputVariables();
		SDVariable[] inputs = gamma == null ? new SDVariable[] { x, stats[0], stats[1] }
				: new SDVariable[] { x, stats[0], stats[1], gamma, beta };
		return new Normalize(sd, inputs, gamma != null, epsilon, kept).outputVariable();
	}

	@Override
	public String opName() { return NAME; }

	@Override
	protected String nativeName() { return "batchnorm"; }

	@Override
	public void configureFromArguments() {
		normAffine = iArguments.get(0) != 0;
		normAxes = intArguments(2);
		normEpsilon = tArguments.get(0);
	}

	@Override
	public List<SDVariable> doDiff(List<SDVariable> gradients) {
		SDVariable[] in = args();
		SDVariable[] bpInputs = Arrays.copyOf(in, in.length + 1);
		bpInputs[in.length] = gradients.get(0);
		return Arrays.asList(new NormalizeBp(sameDiff, bpInputs, normAffine, normEpsilon, normAxes).outputVariables());
	}
}
