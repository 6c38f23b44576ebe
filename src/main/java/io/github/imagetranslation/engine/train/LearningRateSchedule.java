package io.github.imagetranslation.engine.train;

/**
 * The reference implementation's "linear" policy: the initial rate for {@code constantEpochs} epochs, then a
 * linear decay towards zero over {@code decayEpochs} epochs ({@code 1 - max(0, e + 1 - n) / (d + 1)} for
 * 0-based epoch {@code e}). The rate depends only on the epoch, so a resumed run continues the schedule.
 */
public final class LearningRateSchedule {

	private final double initial;
	private final int constantEpochs;
	private final int decayEpochs;

	public LearningRateSchedule(double initial, int constantEpochs, int decayEpochs) {
		if (initial <= 0) throw new IllegalArgumentException("Learning rate must be positive, got " + initial);
		if (constantEpochs < 0 || decayEpochs < 0)
			throw new IllegalArgumentException("Epoch counts must not be negative, got " + constantEpochs + " and " + decayEpochs);
		if (constantEpochs + decayEpochs == 0) throw new IllegalArgumentException("Train for at least one epoch");
		this.initial = initial;
		this.constantEpochs = constantEpochs;
		this.decayEpochs = decayEpochs;
	}

	/** Learning rate during 0-based epoch {@code epoch}. */
	public double rate(int epoch) {
		double factor = 1.0 - Math.max(0, epoch + 1 - constantEpochs) / (double) (decayEpochs + 1);
		return initial * Math.max(0, factor);
	}

	/** Total epochs. */
	public int epochs() {
		return constantEpochs + decayEpochs;
	}
}
