package io.github.imagetranslation.engine.nn;

import java.util.ArrayList;
import java.util.List;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;

/**
 * Drops a SameDiff graph's execution sessions, closing the arrays they keep. A session keeps each op's last
 * inputs and outputs and a cache of arrays for reuse; when a graph will not run for a while (training stopped,
 * an image translated) that is memory nothing will read. A new session is made on the next run.
 */
public final class ExecutionSessions {

	private ExecutionSessions() {}

	/** Every thread's session of {@code sd} and of its gradient function, if it has one. */
	public static void closeAll(SameDiff sd) {
		closeEvery(sd);
		SameDiff grad = sd.getFunction("grad");
		if (grad != null) closeEvery(grad);
	}

	private static void closeEvery(SameDiff sd) {
		List<InferenceSession> sessions = new ArrayList<>(sd.getSessions().values());
		sd.getSessions().clear();
		sessions.forEach(ExecutionSessions::close);
	}

	private static void close(InferenceSession session) {
		if (session != null && session.getMmgr() != null) session.getMmgr().close();
	}
}
