package io.github.imagetranslation.engine.train;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.autodiff.samediff.config.ExecutionResult;
import org.nd4j.autodiff.samediff.config.SDValue;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import io.github.imagetranslation.engine.nn.ArrayArena;
import io.github.imagetranslation.engine.nn.ConsoleSilencer;
import io.github.imagetranslation.engine.nn.ControlDependencies;
import io.github.imagetranslation.engine.nn.OneDnnSession;
import io.github.imagetranslation.engine.nn.ExecutionSessions;

/**
 * A SameDiff graph with one scalar loss that trains all its networks in one forward and backward pass.
 * Each network's loss reaches only that network's weights: a discriminator sees generated images through
 * stop-gradient, and a generator is judged by a copy of the discriminator that reads its weights as constants
 * (see {@link io.github.imagetranslation.engine.nn.SameDiffLayers#frozen()}).
 * <p>
 * Memory: SameDiff's {@code calculateGradientsAndOutputs} runs the gradient function with its array reuse
 * switched off, so every array of an iteration, forward and backward, stays allocated until the run ends (a
 * CycleGAN at 128 px peaked at 5 GB, 10 GB when the sessions were also kept between runs). This class runs the
 * gradient function itself with reuse on: the session then releases each array as soon as its last reader has
 * run and hands it to the next op that needs one of the same shape, within the iteration and across iterations
 * (the session and its array cache are kept). The peak is then about one iteration's live arrays, and no
 * iteration after the first allocates much, so no garbage collection is needed per iteration to keep the process flat.
 * {@link #releaseMemory()} gives the cached arrays back when training stops. A graph built with gradients during
 * the run also frees each gradient as soon as an optimiser has taken it, rather than holding all of them to the end.
 * The session's large arrays come from an {@link ArrayArena}, where an array of any shape reuses memory others
 * have finished with (a CycleGAN iteration at 128 px: 442 MB of arrays kept by shape, 271 MB in the arena).
 */
final class TrainingGraph {

	private final SameDiff sd;
	private final SameDiff gradFn;
	private final boolean oneDnnSession;
	/** Parameter name to the name of its gradient in the gradient function, for parameters the loss reaches. */
	private final Map<String, String> gradientNames = new LinkedHashMap<>();
	/**
	 * Gradient name to parameter name, for the gradients a {@link GradientConsumer} gets as soon as they are
	 * complete; the others it gets after the run.
	 */
	private final Map<String, String> earlyGradients = new HashMap<>();
	/** Small ops reading each early gradient, asked for so that the gradients are computed and then freed. */
	private final List<String> gradientReaders = new ArrayList<>();

	/** Receives parameters' gradients during a run. */
	interface GradientConsumer {
		/** {@code gradient} is the loss's complete gradient for {@code parameter}, valid only during this call. */
		void accept(String parameter, INDArray gradient);
	}

	/**
	 * @param oneDnnSession whether convolutions, normalisation, padding and their gradients run through {@link OneDnnSession}
	 * @param gradientsDuringRun whether {@link #run(Map, Collection, GradientConsumer)} hands gradients over as soon
	 *        as they are complete (else after the run): less memory where the weights outweigh the activations,
	 *        but the ops completing gradients then wait for every reader of their parameter, which changes the
	 *        order SameDiff runs the graph in
	 */
	TrainingGraph(SameDiff sd, String loss, Collection<String> parameters, boolean oneDnnSession, boolean gradientsDuringRun) {
		this.sd = sd;
		this.oneDnnSession = oneDnnSession;
		sd.setLossVariables(loss);
		ConsoleSilencer.silently(() -> {
			if (oneDnnSession) OneDnnSession.createGradFunction(sd);
			else sd.createGradFunction();
			return null;
		});
		gradFn = sd.getFunction("grad");
		// Building the gradient function leaves 100-200 MB of Java garbage and a heap grown to hold it; collected
		// now, the heap shrinks and gives the pages back before training allocates its native arrays (peak resident
		// memory of a pix2pix run 1366 -> 1303 MB, CycleGAN 128 px 1548 -> 1468 MB). Once per trainer.
		System.gc();
		for (String p : parameters) {
			SDVariable g = sd.getVariable(p).getGradient();
			if (g != null) gradientNames.put(p, g.name());
		}
		if (gradientsDuringRun) {
			Map<INDArray, List<String>> constants = constantsByArray();
			gradientNames.forEach((p, g) -> prepareEarlyGradient(p, g, constants));
		}
	}

	/**
	 * Lets the gradient {@code g} of parameter {@code p} go to a {@link GradientConsumer} (an optimiser, which
	 * changes the parameter) as soon as the op that completes it has run, and its array be freed then: all
	 * gradients held until the end of the run were, for a pix2pix U-Net, 170 MB on top of the iteration's peak.
	 * That op is made to wait (control dependencies) for every other op that reads the parameter, so none reads
	 * it changed: the forward ops and gradients before it in any case, but also the ops of a frozen judge, which
	 * read the parameter's array through a constant sharing it ({@link
	 * io.github.imagetranslation.engine.nn.SameDiffLayers#frozen()}) and which nothing orders. Where an op reading
	 * the parameter comes after that op, the gradient is handed over after the run instead.
	 */
	private void prepareEarlyGradient(String p, String g, Map<INDArray, List<String>> constantsByArray) {
		String completing = gradFn.getVariables().get(g).getOutputOfOp();
		List<String> readers = new ArrayList<>();
		for (String name : constantsByArray.getOrDefault(gradFn.getArrForVarName(p), List.of()))
			readers.addAll(readers(name));
		readers.addAll(readers(p));
		if (completing == null || readers.isEmpty()) return;
		Set<String> later = laterOps(completing);
		for (String r : readers)
			if (!r.equals(completing) && later.contains(r)) return;
		for (String r : readers)
			if (!r.equals(completing)) ControlDependencies.waitFor(gradFn, completing, gradFn.getOps().get(r).getOutputsOfOp().get(0));
		earlyGradients.put(g, p);
		gradientReaders.add(gradFn.getVariable(g).shape().name());
	}

	/** The ops that read variable {@code name} of the gradient function. */
	private List<String> readers(String name) {
		List<String> ops = gradFn.getVariables().get(name).getInputsForOp();
		return ops == null ? List.of() : ops;
	}

	/** The gradient function's constants by their array (the same array object, not equal contents). */
	private Map<INDArray, List<String>> constantsByArray() {
		Map<INDArray, List<String>> constants = new IdentityHashMap<>();
		for (SDVariable v : gradFn.variables())
			if (v.getVariableType() == VariableType.CONSTANT)
				constants.computeIfAbsent(gradFn.getArrForVarName(v.name()), a -> new ArrayList<>()).add(v.name());
		return constants;
	}

	/** Every op that reads, directly or through others, what {@code op} outputs, or waits for it. */
	private Set<String> laterOps(String op) {
		Set<String> seen = new HashSet<>();
		Deque<String> todo = new ArrayDeque<>(List.of(op));
		while (!todo.isEmpty()) {
			for (String out : gradFn.getOps().get(todo.pop()).getOutputsOfOp()) {
				Variable v = gradFn.getVariables().get(out);
				for (List<String> next : Arrays.asList(v.getInputsForOp(), v.getControlDepsForOp()))
					if (next != null)
						for (String n : next)
							if (seen.add(n)) todo.push(n);
			}
		}
		return seen;
	}

	/**
	 * Runs forward and backward: the values of {@code outputs} and the gradients of the loss for every parameter
	 * it reaches. The result must be {@link #release released} after use.
	 */
	OutAndGrad run(Map<String, INDArray> feeds, Collection<String> outputs) {
		return run(feeds, outputs, null);
	}

	/**
	 * Runs forward and backward, giving {@code consumer} (unless null) the gradient of every parameter the loss
	 * reaches: in a graph built with gradients during the run, most of them as soon as each is complete (see
	 * {@link #prepareEarlyGradient}), the others after the run. Returns the values of {@code outputs} (and of the
	 * small ops that read the gradients handed over during the run) and the gradients handed over after it, to be
	 * {@link #release released} after use.
	 */
	OutAndGrad run(Map<String, INDArray> feeds, Collection<String> outputs, GradientConsumer consumer) {
		boolean during = consumer != null && !earlyGradients.isEmpty();
		Map<String, String> after = new LinkedHashMap<>();
		gradientNames.forEach((p, g) -> {
			if (!during || !earlyGradients.containsKey(g)) after.put(p, g);
		});
		List<String> names = new ArrayList<>(outputs);
		names.addAll(after.values());
		if (during) names.addAll(gradientReaders);
		Map<String, INDArray> all = execute(feeds, names, during ? handingOver(consumer) : null);
		Map<String, INDArray> values = new HashMap<>(), gradients = new HashMap<>();
		for (String o : outputs)
			values.put(o, all.get(o));
		if (during)
			for (String r : gradientReaders)
				values.putIfAbsent(r, all.get(r));
		after.forEach((p, g) -> {
			gradients.put(p, all.get(g));
			if (consumer != null) consumer.accept(p, all.get(g));
		});
		return new OutAndGrad(values, gradients);
	}

	/** A listener that gives {@code consumer} each gradient prepared by {@link #prepareEarlyGradient} once its op has run. */
	private Listener handingOver(GradientConsumer consumer) {
		return new BaseListener() {
			@Override
			public boolean isActive(Operation operation) { return true; }

			@Override
			public void opExecution(SameDiff s, At at, MultiDataSet batch, SameDiffOp op, OpContext context, INDArray[] results) {
				List<String> produced = op.getOutputsOfOp();
				for (int i = 0; i < produced.size(); i++) {
					String parameter = earlyGradients.get(produced.get(i));
					if (parameter != null) consumer.accept(parameter, results[i]);
				}
			}
		};
	}

	/** The arrays of {@code names} after one run of the gradient function, with {@code listener} (may be null) added. */
	private Map<String, INDArray> execute(Map<String, INDArray> feeds, List<String> names, Listener listener) {
		// what calculateGradientsAndOutputs does, with the session's array reuse on (it switches it off)
		gradFn.setEnableCache(true);
		List<Listener> listeners = new ArrayList<>(sd.getListeners());
		if (listener != null) listeners.add(listener);
		gradFn.setListeners(listeners);
		if (oneDnnSession) OneDnnSession.install(gradFn);
		InferenceSession session = gradFn.getSessions().computeIfAbsent(Thread.currentThread().getId(), t -> new InferenceSession(gradFn));
		if (!(session.getMmgr() instanceof OutputArrayPool)) session.setMmgr(new OutputArrayPool(ArrayArena.over(session.getMmgr())));
		ExecutionResult r = gradFn.output(feeds, Collections.emptyMap(), null, names.toArray(new String[0]));
		Map<String, INDArray> all = new HashMap<>();
		if (r.hasValues()) {
			for (Map.Entry<String, SDValue> e : r.getValueOutputs().entrySet())
				all.put(e.getKey(), e.getValue().getTensorValue());
		} else {
			all.putAll(ExecutionResult.unpack(r.getOutputs()));
		}
		((OutputArrayPool) session.getMmgr()).runEnded(all.values());
		return all;
	}

	/**
	 * Gives back a step's own arrays (the outputs and gradients handed out) to the session's {@link OutputArrayPool},
	 * where the next step takes them again. Arrays that are not the session's own (a feed or a graph's array passed
	 * through) are left alone.
	 */
	void release(OutAndGrad result, Map<String, INDArray> feeds) {
		Set<Long> notOwn = new HashSet<>();
		feeds.values().forEach(a -> notOwn.add(address(a)));
		for (SameDiff graph : List.of(sd, gradFn))
			for (SDVariable v : graph.variables())
				if (v.getVariableType() == VariableType.VARIABLE || v.getVariableType() == VariableType.CONSTANT) {
					INDArray a = graph.getArrForVarName(v.name());
					if (a != null) notOwn.add(address(a));
				}
		InferenceSession session = gradFn.getSessions().get(Thread.currentThread().getId());
		OutputArrayPool pool = session != null && session.getMmgr() instanceof OutputArrayPool ? (OutputArrayPool) session.getMmgr() : null;
		Set<INDArray> done = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Map<String, INDArray> arrays : Arrays.asList(result.getGradients(), result.getOutputs())) {
			if (arrays == null) continue;
			for (INDArray a : arrays.values()) {
				if (a == null || !done.add(a) || a.wasClosed() || notOwn.contains(address(a))) continue;
				if (pool != null && !a.isView() && !a.isEmpty()) pool.giveBack(a);
				else if (a.closeable()) a.close();
			}
		}
	}

	private static long address(INDArray a) {
		return a.isEmpty() ? 0 : a.data().addressPointer().address();
	}

	/** Drops the execution sessions and closes the arrays they keep for reuse (when training stops). */
	void releaseMemory() {
		ExecutionSessions.closeAll(sd);
	}

	SameDiff graph() { return sd; }
}
