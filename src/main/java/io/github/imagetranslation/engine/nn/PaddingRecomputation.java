package io.github.imagetranslation.engine.nn;

import java.util.ArrayList;
import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;

import io.github.imagetranslation.engine.nn.ops.ReflectionPad;

/**
 * Rewrites a gradient function so that each convolution's gradient reads a reflection padding of its input made
 * again just before it, instead of the padded copy from the forward pass. That copy is then freed as soon as the
 * forward convolution has read it rather than kept through the whole forward pass; where the unpadded input is a
 * ReLU's output, {@link NormalizationFromOutput} makes that again too, from the normalisation before it. A CycleGAN
 * iteration runs each ResNet generator three times, so at 256 px the padded copies were about 100 MB per pass.
 * The padding made again waits (a control dependency) for the gradient arriving at the convolution, or SameDiff
 * would run it as soon as its input exists, during the forward pass.
 */
final class PaddingRecomputation {

	private PaddingRecomputation() {}

	/**
	 * Rewrites {@code gradFn} in place: every {@code conv2d_bp} whose input is a row-then-column reflection padding
	 * read by nothing but that convolution and its gradient.
	 */
	static void rewrite(SameDiff gradFn) {
		for (SameDiffOp op : new ArrayList<>(gradFn.getOps().values())) {
			if (!"conv2d_bp".equals(op.getOp().opName())) continue;
			List<String> inputs = op.getInputsToOp();
			String padded = inputs.get(0);
			ReflectionPad columns = padding(gradFn, padded, 3);
			if (columns == null || gradFn.getVariables().get(padded).getInputsForOp().size() != 2) continue;
			String rowsPadded = gradFn.getOps().get(columns.getOwnName()).getInputsToOp().get(0);
			ReflectionPad rows = padding(gradFn, rowsPadded, 2);
			if (rows == null || gradFn.getVariables().get(rowsPadded).getInputsForOp().size() != 1) continue;
			SDVariable unpadded = gradFn.getVariable(gradFn.getOps().get(rows.getOwnName()).getInputsToOp().get(0));
			SDVariable rowsAgain = rows.again(gradFn, unpadded);
			SDVariable again = columns.again(gradFn, rowsAgain);
			ControlDependencies.waitFor(gradFn, ControlDependencies.producer(gradFn, rowsAgain.name()), inputs.get(inputs.size() - 1));
			inputs.set(0, again.name());
			gradFn.getVariables().get(padded).getInputsForOp().remove(op.getName());
			gradFn.getVariables().get(again.name()).setInputsForOp(new ArrayList<>(List.of(op.getName())));
		}
	}

	/** The reflection padding of {@code axis} that outputs {@code variable}, or null. */
	private static ReflectionPad padding(SameDiff sd, String variable, int axis) {
		String producer = sd.getVariables().get(variable).getOutputOfOp();
		if (producer == null) return null;
		Object op = sd.getOps().get(producer).getOp();
		return op instanceof ReflectionPad && ((ReflectionPad) op).axis() == axis ? (ReflectionPad) op : null;
	}
}
