package io.github.imagetranslation.fiji;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ij.gui.Plot;

/**
 * The losses of a training run, iteration by iteration, for a live chart. Memory stays bounded: each point is
 * the mean of a bucket of consecutive iterations, and when there are more than {@link #MAX_POINTS} points,
 * neighbouring buckets are merged (so long runs are shown smoothed rather than cut).
 */
final class LossHistory {

	static final int MAX_POINTS = 1000;

	private static final Color[] COLOURS = { new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
			new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f) };

	/** One series per loss name: bucket means, in iteration order. */
	private final Map<String, List<Double>> means = new LinkedHashMap<>();
	private final List<Double> iterations = new ArrayList<>();
	private final Map<String, Double> pendingSums = new LinkedHashMap<>();
	private double pendingIterationSum;
	private int pendingCount;
	private int bucketSize = 1;

	/** Adds the losses of iteration {@code iteration}. */
	void add(long iteration, Map<String, Double> losses) {
		losses.forEach((k, v) -> pendingSums.merge(k, v, Double::sum));
		pendingIterationSum += iteration;
		if (++pendingCount < bucketSize) return;
		iterations.add(pendingIterationSum / pendingCount);
		for (Map.Entry<String, Double> e : pendingSums.entrySet())
			means.computeIfAbsent(e.getKey(), k -> new ArrayList<>(Arrays.asList(nans(iterations.size() - 1)))).add(e.getValue() / pendingCount);
		pendingSums.clear();
		pendingIterationSum = 0;
		pendingCount = 0;
		if (iterations.size() > MAX_POINTS) mergeNeighbours();
	}

	private static Double[] nans(int n) {
		Double[] values = new Double[n];
		Arrays.fill(values, Double.NaN);
		return values;
	}

	private void mergeNeighbours() {
		mergePairs(iterations);
		for (List<Double> series : means.values())
			mergePairs(series);
		bucketSize *= 2;
	}

	private static void mergePairs(List<Double> values) {
		List<Double> merged = new ArrayList<>();
		for (int i = 0; i + 1 < values.size(); i += 2)
			merged.add((values.get(i) + values.get(i + 1)) / 2);
		if (values.size() % 2 == 1) merged.add(values.get(values.size() - 1));
		values.clear();
		values.addAll(merged);
	}

	/** Number of points on the chart. */
	int points() {
		return iterations.size();
	}

	/** The loss names seen so far, in order of appearance. */
	List<String> names() {
		return new ArrayList<>(means.keySet());
	}

	/** The losses as a line chart over iterations, one colour and legend entry per loss. */
	Plot plot(String title) {
		Plot plot = new Plot(title, "iteration", "loss");
		double[] x = toArray(iterations);
		StringBuilder legend = new StringBuilder();
		int i = 0;
		for (Map.Entry<String, List<Double>> e : means.entrySet()) {
			plot.setColor(COLOURS[i++ % COLOURS.length]);
			plot.addPoints(x, toArray(e.getValue()), Plot.LINE);
			if (legend.length() > 0) legend.append('\n');
			legend.append(e.getKey());
		}
		if (legend.length() > 0) plot.addLegend(legend.toString());
		plot.setLimitsToFit(false);
		return plot;
	}

	private static double[] toArray(List<Double> values) {
		double[] out = new double[values.size()];
		for (int i = 0; i < out.length; i++)
			out[i] = values.get(i);
		return out;
	}
}
