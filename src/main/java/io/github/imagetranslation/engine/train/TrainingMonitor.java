package io.github.imagetranslation.engine.train;

/**
 * Receives a training run's progress and may cancel it. Implementations show progress in a status bar, a
 * live chart or log lines; {@link #isCancelled()} is polled once per iteration, so a cancelled run stops
 * within one iteration.
 */
public interface TrainingMonitor {

	/** A monitor that shows nothing and never cancels. */
	TrainingMonitor NONE = new TrainingMonitor() {};

	/** Polled before every iteration. */
	default boolean isCancelled() { return false; }

	/** Called after every iteration. */
	default void iterationDone(TrainingProgress progress) {}

	/** Called after the last iteration of an epoch, with that epoch's mean losses in {@code progress}. */
	default void epochDone(TrainingProgress progress) {}
}
