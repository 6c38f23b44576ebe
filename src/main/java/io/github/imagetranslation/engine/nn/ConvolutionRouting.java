package io.github.imagetranslation.engine.nn;

import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;

/**
 * Runs transposed convolutions of small planes (input of at most {@value #MAX_ONEDNN_FREE_PIXELS} pixels) with
 * libnd4j's own code instead of oneDNN. ND4J reorders the weights into oneDNN's layout on every call, which for
 * the U-Net's innermost layers (up to 1024x512x4x4 weights on planes of 1 to 8 pixels) costs ten times the
 * arithmetic: 76 ms against 6-12 ms without oneDNN for 1024 to 512 channels at 4 and 8 px, and 47 ms against 2 ms
 * for 512 channels at 2 px. From 16 px on oneDNN is faster (12 against 20 ms for 1024 to 256 channels) and is kept,
 * as it is for every gradient (no faster either way). The choice is made per execution in the op's native
 * context, hence a SameDiff listener; every graph built through {@link SameDiffLayers} has it, and
 * {@link EagerLayers} applies the same rule ({@link #usesOneDnn}) where it runs without its own primitives. A training
 * graph run by {@link OneDnnSession} runs these layers itself, by a matrix product on ND4J's weight layout
 * ({@link OneDnnPrimitives#weightBound}).
 */
public final class ConvolutionRouting extends BaseListener {

	public static final ConvolutionRouting INSTANCE = new ConvolutionRouting();

	static final long MAX_ONEDNN_FREE_PIXELS = 64;

	private ConvolutionRouting() {}

	/** Whether a transposed convolution of an input plane of {@code pixels} pixels should run through oneDNN. */
	static boolean usesOneDnn(long pixels) {
		return pixels > MAX_ONEDNN_FREE_PIXELS;
	}

	/** Adds the routing to {@code sd}'s listeners unless it is there. */
	static void attach(SameDiff sd) {
		if (!sd.getListeners().contains(INSTANCE)) sd.addListeners(INSTANCE);
	}

	@Override
	public boolean isActive(Operation operation) {
		return true;
	}

	@Override
	public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext context) {
		if (context == null || !"deconv2d".equals(op.getOp().opName())) return;
		INDArray input = context.getInputArray(0);
		context.allowHelpers(input == null || input.rank() != 4 || usesOneDnn(input.size(2) * input.size(3)));
	}
}
