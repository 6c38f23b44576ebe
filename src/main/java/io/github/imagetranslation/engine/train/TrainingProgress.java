package io.github.imagetranslation.engine.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where a training run stands: position in the schedule, recent losses, speed and time left. */
public final class TrainingProgress {

	private final int epoch;
	private final int epochs;
	private final int iterationInEpoch;
	private final int epochLength;
	private final long iterationsDone;
	private final long iterationsTotal;
	private final double learningRate;
	private final Map<String, Double> losses;
	private final double secondsPerIteration;

	TrainingProgress(int epoch, int epochs, int iterationInEpoch, int epochLength, long iterationsDone,
			long iterationsTotal, double learningRate, Map<String, Double> losses, double secondsPerIteration) {
		this.epoch = epoch;
		this.epochs = epochs;
		this.iterationInEpoch = iterationInEpoch;
		this.epochLength = epochLength;
		this.iterationsDone = iterationsDone;
		this.iterationsTotal = iterationsTotal;
		this.learningRate = learningRate;
		this.losses = Collections.unmodifiableMap(new LinkedHashMap<>(losses));
		this.secondsPerIteration = secondsPerIteration;
	}

	/** 0-based epoch the last iteration belonged to. */
	public int epoch() { return epoch; }

	/** Total epochs of the schedule. */
	public int epochs() { return epochs; }

	/** Iterations done in the current epoch (1 after its first). */
	public int iterationInEpoch() { return iterationInEpoch; }

	/** Iterations per epoch. */
	public int epochLength() { return epochLength; }

	/** Iterations done since the run began, including those of earlier sessions it resumed. */
	public long iterationsDone() { return iterationsDone; }

	/** Iterations the whole schedule takes. */
	public long iterationsTotal() { return iterationsTotal; }

	public double learningRate() { return learningRate; }

	/** Loss values by name (per iteration, or means over the epoch in {@code epochDone}). */
	public Map<String, Double> losses() { return losses; }

	/** Recent mean wall time per iteration. */
	public double secondsPerIteration() { return secondsPerIteration; }

	/** Estimated seconds until the schedule ends. */
	public double secondsLeft() {
		return secondsPerIteration * (iterationsTotal - iterationsDone);
	}

	/** Fraction of the schedule done, in [0, 1]. */
	public double fractionDone() {
		return iterationsTotal == 0 ? 1 : Math.min(1, iterationsDone / (double) iterationsTotal);
	}

	/** One line such as {@code epoch 3/10 iter 40/100 | D_real 0.61 ... | 0.52 s/it, 12m 3s left}. */
	public String describe() {
		StringBuilder s = new StringBuilder();
		s.append("epoch ").append(epoch + 1).append('/').append(epochs);
		s.append(" iter ").append(iterationInEpoch).append('/').append(epochLength).append(" |");
		losses.forEach((k, v) -> s.append(' ').append(k).append(' ').append(String.format(java.util.Locale.ROOT, "%.4f", v)));
		s.append(String.format(java.util.Locale.ROOT, " | %.2f s/it, %s left", secondsPerIteration, formatDuration(secondsLeft())));
		return s.toString();
	}

	/** "1h 02m", "3m 05s" or "12s". */
	public static String formatDuration(double seconds) {
		long s = Math.round(Math.max(0, seconds));
		if (s >= 3600) return String.format(java.util.Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
		if (s >= 60) return String.format(java.util.Locale.ROOT, "%dm %02ds", s / 60, s % 60);
		return s + "s";
	}
}
