package io.github.imagetranslation.fiji;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

import ij.ImagePlus;
import io.github.imagetranslation.engine.infer.SamplePreview;
import io.github.imagetranslation.engine.train.GanOptions;
import io.github.imagetranslation.engine.train.GanTrainer;
import io.github.imagetranslation.imagej.TrainingRun;

/**
 * What the two training commands share: choosing between open images and folders, planning the run on the
 * model file ({@link TrainingRun}: new or resumed, never replacing a model by accident), and training with
 * progress, preview and stop ({@link TrainingFeedback}). When training stops early, the model and a resumable
 * checkpoint are saved, as on the command line.
 */
abstract class TrainingCommand extends ImageTranslationCommand {

	/** Seconds between progress lines in the log when there is no display. */
	static final double LOG_SECONDS = 10;

	/**
	 * Whether to train on folders: both {@code first} and {@code second} given (and existing); neither means the
	 * open images.
	 *
	 * @throws IllegalArgumentException if only one is given, or one is not a folder
	 */
	static boolean useFolders(File first, String firstKey, File second, String secondKey) {
		boolean a = isGiven(first), b = isGiven(second);
		if (a != b)
			throw new IllegalArgumentException("Give both " + firstKey + " and " + secondKey + " to train on folders, or neither to train on open images");
		if (a) {
			requireFolder(first, firstKey);
			requireFolder(second, secondKey);
		}
		return a;
	}

	/**
	 * {@code image}, which must have pixels.
	 *
	 * @param folderKeys the folder keys to mention as the alternative, e.g. "input_folder and target_folder"
	 */
	static ImagePlus requireImage(ImagePlus image, String key, String folderKeys) {
		if (!hasPixels(image))
			throw new IllegalArgumentException("No image for " + key + ": open the training images (or stacks) and choose them, or give "
					+ folderKeys);
		return image;
	}

	/** Plans the run on {@code modelFile} and reports a resumed run and the options it ignores. */
	protected final TrainingRun plan(File modelFile, GanOptions given, boolean resume, boolean overwrite) throws IOException {
		TrainingRun run = TrainingRun.plan(required(modelFile, "model_file", "the model file to write").toPath(), given, resume, overwrite,
				given.nEpochs, given.nEpochsDecay, ImageTranslationCommand::key);
		if (run.resumeSource() != null) {
			report("Resuming from " + run.resumeSource());
			List<String> ignored = run.ignoredOptions(given);
			if (!ignored.isEmpty())
				warn("Resuming keeps the saved training options; ignored: " + String.join(", ", ignored));
		}
		showStatus("Reading training images...");
		return run;
	}

	/**
	 * Trains with progress, preview and stop, saves the model (and, if stopped early, the checkpoint) and
	 * reports the outcome.
	 *
	 * @param preview builds the preview; called only when there is a display
	 */
	protected final void train(TrainingRun run, GanTrainer trainer, Supplier<SamplePreview> preview, int checkpointEvery)
			throws IOException {
		String modelName = run.model().getFileName().toString();
		report(TrainingRun.describe(trainer));
		TrainingWindow window = headless() ? null : TrainingWindow.open(modelName);
		TrainingFeedback feedback = new TrainingFeedback(modelName, this::showStatus, this::report,
				headless() ? LOG_SECONDS : Double.POSITIVE_INFINITY, this::stopRequested, window, preview, this::warn);
		boolean completed = false;
		String outcome = "Training failed; the model and checkpoint were saved as far as they got";
		try {
			completed = run.train(trainer, feedback, checkpointEvery);
			outcome = run.outcome(trainer, completed);
		} finally {
			feedback.finished(outcome);
		}
		report(outcome);
		if (!completed && stopRequested()) stopped(outcome);
	}
}
