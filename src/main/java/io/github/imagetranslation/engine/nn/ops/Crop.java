package io.github.imagetranslation.engine.nn.ops;

import java.util.Collections;
import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.PadMode;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The planes of {@code [N, C, H, W]} without their last row and column (libnd4j {@code strided_slice}), with a
 * gradient that pads the incoming gradient with a row and a column of zeros. SameDiff's gradient of a slice
 * reads the uncropped input, which kept it (a transposed convolution's output, the largest array of an
 * up-sampling layer) from the forward pass until the backward pass reached it.
 */
public final class Crop extends NativeAlias {

	public static final String NAME = "imagetranslation_crop";

	public Crop() {}

	private Crop(SameDiff sd, SDVariable x) {
		super(sd, x);
		// strided_slice: begin, ellipsis, end, new-axis and shrink masks, then begin, end and strides per axis;
		// every axis from its start (begin mask), the first two to their end (end mask), the planes to -1
		addIArgument(0b1111, 0, 0b0011, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 1, 1, 1, 1);
	}

	/** {@code x} ({@code [N, C, H, W]}) without its last row and column. */
	public static SDVariable lastRowAndColumnOff(SameDiff sd, SDVariable x) {
		return new Crop(sd, x).outputVariable();
	}

	@Override
	public String opName() { return NAME; }

	@Override
	protected String nativeName() { return "strided_slice"; }

	@Override
	public List<SDVariable> doDiff(List<SDVariable> gradients) {
		SDVariable padding = sameDiff.constant(Nd4j.createFromArray(new int[][] { { 0, 0 }, { 0, 0 }, { 0, 1 }, { 0, 1 } }));
		return Collections.singletonList(sameDiff.nn().pad(gradients.get(0), padding, PadMode.CONSTANT, 0));
	}
}
