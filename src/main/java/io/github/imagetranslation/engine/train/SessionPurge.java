package io.github.imagetranslation.engine.train;

import java.lang.reflect.Field;
import java.util.Map;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;

/**
 * Drops a SameDiff graph's execution sessions (and its gradient function's), closing their cached arrays.
 * A session keeps each op's last inputs and outputs referenced, so between training steps it holds a whole
 * iteration's activations that nothing will read again. SameDiff 1.0.0-M2.1 has no public way to release
 * them, so its private session map is cleared; a new session is created on the next run at negligible cost.
 * If a later ND4J version renames the field, purging silently does nothing (only memory use is affected).
 */
final class SessionPurge {

	private static final Field SESSIONS = sessionsField();

	private SessionPurge() {}

	private static Field sessionsField() {
		try {
			Field f = SameDiff.class.getDeclaredField("sessions");
			f.setAccessible(true);
			return f;
		} catch (ReflectiveOperationException | RuntimeException e) {
			return null;
		}
	}

	static void purge(SameDiff sd) {
		if (SESSIONS == null) return;
		purgeOne(sd);
		SameDiff grad = sd.getFunction("grad");
		if (grad != null) purgeOne(grad);
	}

	@SuppressWarnings("unchecked")
	private static void purgeOne(SameDiff sd) {
		try {
			Map<Long, InferenceSession> sessions = (Map<Long, InferenceSession>) SESSIONS.get(sd);
			for (InferenceSession s : sessions.values())
				if (s.getMmgr() != null) s.getMmgr().close();
			sessions.clear();
		} catch (IllegalAccessException | RuntimeException e) {
			// leave the sessions: only memory use is affected
		}
	}
}
