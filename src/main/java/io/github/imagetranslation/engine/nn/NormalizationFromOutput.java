package io.github.imagetranslation.engine.nn;

import java.util.ArrayList;
import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.linalg.api.ops.DynamicCustomOp;

import io.github.imagetranslation.engine.nn.ops.Normalize;
import io.github.imagetranslation.engine.nn.ops.NormalizeBp;
import io.github.imagetranslation.engine.nn.ops.NormalizeBpFromOutput;
import io.github.imagetranslation.engine.nn.ops.Relu;

/**
 * Rewrites a gradient function so that a normalisation followed by a ReLU keeps one array of its size for the
 * backward pass instead of two. The gradient of a normalisation without scale and shift reads its output (the
 * standardised input, {@link NormalizeBpFromOutput}) instead of its input, and the ReLU's gradient reads the same
 * output ({@code y > 0} where the ReLU's output is), so the convolution output before the normalisation is freed
 * after the forward pass. The ReLU's output, which the next convolution's weight gradient reads, is made again
 * from the normalisation's output just before that gradient (a control dependency, as
 * {@link PaddingRecomputation} does), so it is freed after the forward pass too.
 */
final class NormalizationFromOutput {

	private NormalizationFromOutput() {}

	/** Rewrites {@code gradFn}, the gradient function of {@code forward}, in place. */
	static void rewrite(SameDiff forward, SameDiff gradFn) {
		for (SameDiffOp gradient : new ArrayList<>(gradFn.getOps().values())) {
			if (!(gradient.getOp() instanceof NormalizeBp) || gradient.getInputsToOp().size() != 4) continue;
			List<String> inputs = gradient.getInputsToOp();
			SameDiffOp normalize = null;
			for (String reader : gradFn.getVariables().get(inputs.get(0)).getInputsForOp()) {
				SameDiffOp candidate = gradFn.getOps().get(reader);
				if (candidate.getOp() instanceof Normalize && candidate.getInputsToOp().subList(1, 3).equals(inputs.subList(1, 3)))
					normalize = candidate;
			}
			if (normalize == null) continue;
			String y = normalize.getOutputsOfOp().get(0);
			NormalizeBpFromOutput fromOutput = new NormalizeBpFromOutput();
			fromOutput.setSameDiff(gradFn);
			fromOutput.setOwnName(gradient.getName());
			DynamicCustomOp replaced = (DynamicCustomOp) gradient.getOp();
			fromOutput.addIArgument(replaced.iArgs());
			fromOutput.addTArgument(replaced.tArgs());
			gradient.setOp(fromOutput);
			rewire(gradFn, gradient, 0, y);
			for (String reader : new ArrayList<>(gradFn.getVariables().get(y).getInputsForOp())) {
				SameDiffOp relu = gradFn.getOps().get(reader);
				if (relu.getOp() instanceof Relu) reluFromInput(forward, gradFn, relu, y);
			}
		}
	}

	/** The ReLU {@code relu} of {@code y}: its gradient reads {@code y}, and later readers of its output an output made again. */
	private static void reluFromInput(SameDiff forward, SameDiff gradFn, SameDiffOp relu, String y) {
		String r = relu.getOutputsOfOp().get(0);
		for (String reader : new ArrayList<>(gradFn.getVariables().get(r).getInputsForOp())) {
			if (forward.getOps().containsKey(reader)) continue;
			SameDiffOp op = gradFn.getOps().get(reader);
			if ("relu_bp".equals(op.getOp().opName())) {
				rewire(gradFn, op, op.getInputsToOp().indexOf(r), y);
				continue;
			}
			SDVariable again = Relu.relu(gradFn, gradFn.getVariable(y));
			List<String> waits = op.getControlDeps();
			String arriving = waits != null && !waits.isEmpty() ? waits.get(0) : op.getInputsToOp().get(op.getInputsToOp().size() - 1);
			ControlDependencies.waitFor(gradFn, ControlDependencies.producer(gradFn, again.name()), arriving);
			for (int i = 0; i < op.getInputsToOp().size(); i++)
				if (op.getInputsToOp().get(i).equals(r)) rewire(gradFn, op, i, again.name());
		}
	}

	/** Makes input {@code index} of {@code op} the variable {@code to}. */
	private static void rewire(SameDiff sd, SameDiffOp op, int index, String to) {
		String from = op.getInputsToOp().get(index);
		op.getInputsToOp().set(index, to);
		if (!op.getInputsToOp().contains(from)) sd.getVariables().get(from).getInputsForOp().remove(op.getName());
		Variable v = sd.getVariables().get(to);
		List<String> readers = v.getInputsForOp() == null ? new ArrayList<>() : new ArrayList<>(v.getInputsForOp());
		if (!readers.contains(op.getName())) readers.add(op.getName());
		v.setInputsForOp(readers);
	}
}
