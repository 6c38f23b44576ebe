package io.github.imagetranslation.engine.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Mean losses of one finished epoch, kept in the model file as the training history. */
public final class EpochRecord {

	private final int epoch;
	private final double learningRate;
	private final double seconds;
	private final LinkedHashMap<String, Double> losses;

	public EpochRecord(int epoch, double learningRate, double seconds, Map<String, Double> losses) {
		this.epoch = epoch;
		this.learningRate = learningRate;
		this.seconds = seconds;
		this.losses = new LinkedHashMap<>(losses);
	}

	/** 0-based epoch. */
	public int epoch() { return epoch; }

	public double learningRate() { return learningRate; }

	/** Wall time the epoch took in this session. */
	public double seconds() { return seconds; }

	public Map<String, Double> losses() { return Collections.unmodifiableMap(losses); }
}
