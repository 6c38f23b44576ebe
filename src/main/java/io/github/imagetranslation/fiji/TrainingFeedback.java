package io.github.imagetranslation.fiji;

import java.util.Collections;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.github.imagetranslation.engine.image.SampleType;
import io.github.imagetranslation.engine.infer.SamplePreview;
import io.github.imagetranslation.engine.train.TrainingMonitor;
import io.github.imagetranslation.engine.train.TrainingProgress;
import io.github.imagetranslation.imagej.PlaneConverter;
import io.github.imagetranslation.imagej.TrainingLog;

/**
 * How a training command keeps users informed and lets them stop: the status bar shows the progress line
 * ("epoch 3/10 iter 40/100 | losses | s/it, time left") and progress; log lines come at a readable rate (see
 * {@link TrainingLog}); with a display, a {@link TrainingWindow} shows the same line, the loss chart (redrawn
 * at most every {@link #CHART_SECONDS}) and the preview of translated patches (after the first iteration,
 * then at most every {@link #PREVIEW_SECONDS}, and at the end). Training stops within one iteration when the
 * command is cancelled, its thread is interrupted or the window's stop button is pressed.
 */
final class TrainingFeedback implements TrainingMonitor {

	static final double STATUS_SECONDS = 0.25;
	static final double CHART_SECONDS = 1;
	static final double PREVIEW_SECONDS = 30;

	/** Where the status bar text and progress go: (iterations done, iterations total, line). */
	interface StatusBar {
		void show(long done, long total, String line);
	}

	private final StatusBar statusBar;
	private final TrainingLog log;
	private final BooleanSupplier stop;
	private final TrainingWindow window;
	private final Supplier<SamplePreview> previewFactory;
	private final Consumer<String> problems;
	private final String modelName;
	private final LossHistory losses = new LossHistory();
	private SamplePreview preview;
	private boolean previewFailed;
	private long lastStatus;
	private long lastChart;
	private long lastPreview;

	/**
	 * @param modelName names the model in window titles
	 * @param statusBar receives the progress line and position
	 * @param lines receives the log lines
	 * @param logSeconds least time between two iteration log lines
	 * @param stop whether the command was cancelled or its thread interrupted
	 * @param window the window to show progress, chart and preview in, or null without a display
	 * @param previewFactory builds the preview when there is a window (called once, on the training thread)
	 * @param problems receives a line if the preview cannot be shown (training goes on without it)
	 */
	TrainingFeedback(String modelName, StatusBar statusBar, Consumer<String> lines, double logSeconds, BooleanSupplier stop,
			TrainingWindow window, Supplier<SamplePreview> previewFactory, Consumer<String> problems) {
		this.modelName = modelName;
		this.statusBar = statusBar;
		this.log = new TrainingLog(lines, logSeconds, () -> false);
		this.stop = stop;
		this.window = window;
		this.previewFactory = previewFactory;
		this.problems = problems;
	}

	@Override
	public boolean isCancelled() {
		return stop.getAsBoolean() || (window != null && window.stopRequested());
	}

	@Override
	public void iterationDone(TrainingProgress p) {
		log.iterationDone(p);
		losses.add(p.iterationsDone(), p.losses());
		long now = System.nanoTime();
		if (p.iterationsDone() == p.iterationsTotal() || seconds(now - lastStatus) >= STATUS_SECONDS) {
			String line = p.describe();
			statusBar.show(p.iterationsDone(), p.iterationsTotal(), line);
			if (window != null) window.showProgress(line);
			lastStatus = now;
		}
		if (window == null) return;
		if (lastChart == 0 || seconds(now - lastChart) >= CHART_SECONDS) {
			window.showLosses(losses.plot("Losses of " + modelName));
			lastChart = now;
		}
		if (lastPreview == 0 || seconds(now - lastPreview) >= PREVIEW_SECONDS) {
			showPreview();
			lastPreview = now;
		}
	}

	@Override
	public void epochDone(TrainingProgress p) {
		log.epochDone(p);
	}

	/** Shows how training ended: the final chart and preview, and {@code outcome} in the window. */
	void finished(String outcome) {
		if (window == null) return;
		if (losses.points() > 0) window.showLosses(losses.plot("Losses of " + modelName));
		showPreview();
		window.finished(outcome);
	}

	private void showPreview() {
		if (previewFailed) return;
		try {
			if (preview == null) preview = previewFactory.get();
			window.showPreview(PlaneConverter.toImagePlus("Preview of " + modelName + " (" + preview.layout() + ")",
					Collections.singletonList(preview.render()), SampleType.UINT8));
		} catch (RuntimeException e) {
			previewFailed = true;
			problems.accept("No training preview: " + e.getMessage());
		}
	}

	private static double seconds(long nanos) {
		return nanos / 1e9;
	}
}
