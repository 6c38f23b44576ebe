package io.github.imagetranslation.engine.nn;

import java.util.ArrayList;
import java.util.List;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;

/**
 * Orders ops of a SameDiff graph that no data connects: an op made to wait for a variable runs only once that
 * variable exists. Graph rewrites use it to keep SameDiff from running recomputations early, and training to keep
 * an optimiser from changing a parameter before every op reading it has run.
 */
public final class ControlDependencies {

	private ControlDependencies() {}

	/** Makes op {@code op} of {@code sd} run only once {@code variable} exists (nothing if it already waits for it). */
	public static void waitFor(SameDiff sd, String op, String variable) {
		SameDiffOp waiting = sd.getOps().get(op);
		List<String> deps = waiting.getControlDeps() == null ? new ArrayList<>() : new ArrayList<>(waiting.getControlDeps());
		if (deps.contains(variable)) return;
		deps.add(variable);
		waiting.setControlDeps(deps);
		Variable v = sd.getVariables().get(variable);
		List<String> dependents = v.getControlDepsForOp() == null ? new ArrayList<>() : new ArrayList<>(v.getControlDepsForOp());
		dependents.add(op);
		v.setControlDepsForOp(dependents);
	}

	/** The op that outputs {@code variable} in {@code sd}. */
	static String producer(SameDiff sd, String variable) {
		return sd.getVariables().get(variable).getOutputOfOp();
	}
}
