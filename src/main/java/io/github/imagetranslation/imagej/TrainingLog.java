package io.github.imagetranslation.imagej;

import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.github.imagetranslation.engine.train.TrainingMonitor;
import io.github.imagetranslation.engine.train.TrainingProgress;

/**
 * Training progress as log lines at a readable rate: one after the first iteration, then at most one every
 * {@code intervalSeconds}, plus epoch lines with the epoch's mean losses (every epoch, but at most one per
 * interval or per minute when epochs are short, and always the last). Cancels when asked to. The command
 * line prints the lines; Fiji sends them to its log when it has no display.
 */
public final class TrainingLog implements TrainingMonitor {

	/** Epoch lines come at least this often when epochs are long, whatever the iteration-line interval. */
	private static final double MAX_EPOCH_LINE_SECONDS = 60;

	private final Consumer<String> lines;
	private final double intervalSeconds;
	private final BooleanSupplier cancel;
	private final long deadline;
	private long lastLine;
	private long lastEpochLine;

	/**
	 * @param lines receives each line
	 * @param intervalSeconds least time between two iteration lines; infinite for epoch lines only (and the first)
	 * @param cancel polled once per iteration
	 */
	public TrainingLog(Consumer<String> lines, double intervalSeconds, BooleanSupplier cancel) {
		this(lines, intervalSeconds, cancel, 0);
	}

	/** A log for a run limited by time rather than by its schedule: the time left is to {@code deadlineNanos}. */
	public TrainingLog(Consumer<String> lines, double intervalSeconds, BooleanSupplier cancel, long deadlineNanos) {
		this.lines = lines;
		this.intervalSeconds = intervalSeconds;
		this.cancel = cancel;
		this.deadline = deadlineNanos;
		this.lastLine = System.nanoTime();
		this.lastEpochLine = Long.MIN_VALUE;
	}

	@Override
	public boolean isCancelled() {
		return cancel.getAsBoolean();
	}

	@Override
	public void iterationDone(TrainingProgress p) {
		long now = System.nanoTime();
		if (p.iterationsDone() == 1 || (now - lastLine) / 1e9 >= intervalSeconds) {
			if (deadline == 0) lines.accept(p.describe());
			else lines.accept("iteration " + p.iterationsDone() + " |" + losses(p) + String.format(Locale.ROOT,
					" | %.2f s/it, %s left", p.secondsPerIteration(), TrainingProgress.formatDuration((deadline - now) / 1e9)));
			lastLine = now;
		}
	}

	@Override
	public void epochDone(TrainingProgress p) {
		long now = System.nanoTime();
		boolean last = deadline == 0 && p.epoch() + 1 >= p.epochs();
		if (!last && lastEpochLine != Long.MIN_VALUE && (now - lastEpochLine) / 1e9 < Math.min(intervalSeconds, MAX_EPOCH_LINE_SECONDS))
			return;
		lastEpochLine = now;
		double left = deadline == 0 ? p.secondsLeft() : (deadline - System.nanoTime()) / 1e9;
		lines.accept("Epoch " + (p.epoch() + 1) + (deadline == 0 ? "/" + p.epochs() : "") + " done, mean losses:" + losses(p)
				+ String.format(Locale.ROOT, " | lr %.2e | %s left", p.learningRate(), TrainingProgress.formatDuration(left)));
		lastLine = System.nanoTime();
	}

	private static String losses(TrainingProgress p) {
		StringBuilder s = new StringBuilder();
		p.losses().forEach((k, v) -> s.append(' ').append(k).append(' ').append(String.format(Locale.ROOT, "%.4f", v)));
		return s.toString();
	}
}
