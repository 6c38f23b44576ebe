package io.github.imagetranslation.cli;

import java.io.PrintStream;
import java.util.function.BooleanSupplier;

import io.github.imagetranslation.engine.train.TrainingMonitor;
import io.github.imagetranslation.engine.train.TrainingProgress;

/**
 * Prints training progress as log lines at a readable rate (at most one iteration line and one epoch summary
 * every {@code intervalSeconds}, and the last epoch's summary) and cancels when asked to.
 */
final class ConsoleMonitor implements TrainingMonitor {

	private final PrintStream out;
	private final double intervalSeconds;
	private final BooleanSupplier cancel;
	private final long deadline;
	private long lastPrint;
	private long lastEpochPrint;

	ConsoleMonitor(PrintStream out, double intervalSeconds, BooleanSupplier cancel) {
		this(out, intervalSeconds, cancel, 0);
	}

	/** A monitor for a run limited by time rather than by its schedule: the time left is to {@code deadline}. */
	ConsoleMonitor(PrintStream out, double intervalSeconds, BooleanSupplier cancel, long deadlineNanos) {
		this.out = out;
		this.intervalSeconds = intervalSeconds;
		this.cancel = cancel;
		this.deadline = deadlineNanos;
		this.lastPrint = System.nanoTime();
		this.lastEpochPrint = lastPrint - (long) (intervalSeconds * 1e9);
	}

	@Override
	public boolean isCancelled() {
		return cancel.getAsBoolean();
	}

	@Override
	public void iterationDone(TrainingProgress p) {
		long now = System.nanoTime();
		if (p.iterationsDone() == 1 || (now - lastPrint) / 1e9 >= intervalSeconds) {
			if (deadline == 0) out.println(p.describe());
			else out.println("iteration " + p.iterationsDone() + " |" + losses(p) + String.format(java.util.Locale.ROOT,
					" | %.2f s/it, %s left", p.secondsPerIteration(), TrainingProgress.formatDuration((deadline - now) / 1e9)));
			lastPrint = now;
		}
	}

	@Override
	public void epochDone(TrainingProgress p) {
		long now = System.nanoTime();
		boolean last = deadline == 0 && p.epoch() + 1 >= p.epochs();
		if (!last && (now - lastEpochPrint) / 1e9 < intervalSeconds) return;
		lastEpochPrint = now;
		double left = deadline == 0 ? p.secondsLeft() : (deadline - System.nanoTime()) / 1e9;
		out.println("Epoch " + (p.epoch() + 1) + (deadline == 0 ? "/" + p.epochs() : "") + " done, mean losses:" + losses(p)
				+ String.format(java.util.Locale.ROOT, " | lr %.2e | %s left", p.learningRate(), TrainingProgress.formatDuration(left)));
		lastPrint = System.nanoTime();
	}

	private static String losses(TrainingProgress p) {
		StringBuilder s = new StringBuilder();
		p.losses().forEach((k, v) -> s.append(' ').append(k).append(' ').append(String.format(java.util.Locale.ROOT, "%.4f", v)));
		return s.toString();
	}
}
