package io.github.imagetranslation.engine.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.autodiff.samediff.config.ExecutionResult;
import org.nd4j.autodiff.samediff.config.SDValue;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.github.imagetranslation.engine.nn.ConsoleSilencer;
import io.github.imagetranslation.engine.nn.OneDnnSession;
import io.github.imagetranslation.engine.nn.ExecutionSessions;

/**
 * A SameDiff graph with one scalar loss that trains all its networks in one forward and backward pass.
 * Each network's loss reaches only that network's weights: a discriminator sees generated images through
 * stop-gradient, and a generator is judged by a copy of the discriminator whose weights pass through
 * stop-gradient (see {@link io.github.imagetranslation.engine.nn.SameDiffLayers#frozen()}).
 * <p>
 * Memory: SameDiff's {@code calculateGradientsAndOutputs} runs the gradient function with its array reuse
 * switched off, so every array of an iteration, forward and backward, stays allocated until the run ends (a
 * CycleGAN at 128 px peaked at 5 GB, 10 GB when the sessions were also kept between runs). This class runs the
 * gradient function itself with reuse on: the session then releases each array as soon as its last reader has
 * run and hands it to the next op that needs one of the same shape, within the iteration and across iterations
 * (the session and its array cache are kept). The peak is then about one iteration's live arrays, and no
 * iteration after the first allocates much, so no explicit garbage collection is needed to keep the process flat.
 * {@link #releaseMemory()} gives the cached arrays back when training stops.
 */
final class TrainingGraph {

	private final SameDiff sd;
	private final SameDiff gradFn;
	private final boolean oneDnnSession;
	/** Parameter name to the name of its gradient in the gradient function, for parameters the loss reaches. */
	private final Map<String, String> gradientNames = new LinkedHashMap<>();

	/**
	 * @param oneDnnSession whether convolutions, normalisation, padding and their gradients run through {@link OneDnnSession}
	 */
	TrainingGraph(SameDiff sd, String loss, Collection<String> parameters, boolean oneDnnSession) {
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
	}

	/**
	 * Runs forward and backward: the values of {@code outputs} and the gradients of the loss for every parameter
	 * it reaches. The result must be {@link #release released} after use.
	 */
	OutAndGrad run(Map<String, INDArray> feeds, Collection<String> outputs) {
		List<String> names = new ArrayList<>(outputs);
		names.addAll(gradientNames.values());
		// what calculateGradientsAndOutputs does, with the session's array reuse on (it switches it off)
		gradFn.setEnableCache(true);
		gradFn.setListeners(sd.getListeners());
		if (oneDnnSession) OneDnnSession.install(gradFn);
		InferenceSession session = gradFn.getSessions().computeIfAbsent(Thread.currentThread().getId(), t -> new InferenceSession(gradFn));
		if (!(session.getMmgr() instanceof OutputArrayPool)) session.setMmgr(new OutputArrayPool(session.getMmgr()));
		ExecutionResult r = gradFn.output(feeds, Collections.emptyMap(), null, names.toArray(new String[0]));
		Map<String, INDArray> all = new HashMap<>();
		if (r.hasValues()) {
			for (Map.Entry<String, SDValue> e : r.getValueOutputs().entrySet())
				all.put(e.getKey(), e.getValue().getTensorValue());
		} else {
			all.putAll(ExecutionResult.unpack(r.getOutputs()));
		}
		Map<String, INDArray> values = new HashMap<>(), gradients = new HashMap<>();
		for (String o : outputs)
			values.put(o, all.get(o));
		gradientNames.forEach((p, g) -> gradients.put(p, all.get(g)));
		return new OutAndGrad(values, gradients);
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
