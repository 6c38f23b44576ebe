package io.github.imagetranslation.imagej;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import io.github.imagetranslation.engine.data.PairedTrainingData;
import io.github.imagetranslation.engine.data.UnpairedTrainingData;
import io.github.imagetranslation.engine.image.SampleType;
import io.github.imagetranslation.engine.infer.SamplePreview;
import io.github.imagetranslation.engine.model.CheckpointFiles;
import io.github.imagetranslation.engine.model.ModelDescription;
import io.github.imagetranslation.engine.model.ModelFile;
import io.github.imagetranslation.engine.model.ModelJson;
import io.github.imagetranslation.engine.train.CycleGanOptions;
import io.github.imagetranslation.engine.train.CycleGanTrainer;
import io.github.imagetranslation.engine.train.GanOptions;
import io.github.imagetranslation.engine.train.GanTrainer;
import io.github.imagetranslation.engine.train.Pix2PixOptions;
import io.github.imagetranslation.engine.train.Pix2PixTrainer;
import io.github.imagetranslation.engine.train.TrainingMonitor;

/**
 * One training run that writes a model file, as the command line and Fiji both do it: it decides whether to
 * start anew or to resume (from the model or its newer checkpoint, see {@link CheckpointFiles#resumeSource}),
 * refuses to replace an existing model by accident, gives the options the training data must be prepared with
 * (the saved ones when resuming), builds the trainer, trains with checkpoints next to the model, and saves the
 * model however training ends; when it stops early it also saves a checkpoint that resumes exactly.
 * <p>
 * Messages name the front end's switches through {@code optionName}, e.g. {@code --resume} on the command
 * line.
 */
public final class TrainingRun {

	private static final int PREVIEW_SAMPLES = 3;

	/** Options that may change when resuming: the length of the schedule. */
	public static final Set<String> RESUMABLE_OPTIONS = Collections.unmodifiableSet(new HashSet<>(Arrays.asList("n_epochs", "n_epochs_decay")));

	private final Path model;
	private final boolean cycleGan;
	private final Path resumeFrom;
	private final GanOptions options;
	private final Integer nEpochs;
	private final Integer nEpochsDecay;
	private final UnaryOperator<String> optionName;
	private double checkpointMinutes = 10;
	private SamplePreview preview;

	private TrainingRun(Path model, boolean cycleGan, Path resumeFrom, GanOptions options, Integer nEpochs, Integer nEpochsDecay,
			UnaryOperator<String> optionName) {
		this.model = model;
		this.cycleGan = cycleGan;
		this.resumeFrom = resumeFrom;
		this.options = options;
		this.nEpochs = nEpochs;
		this.nEpochsDecay = nEpochsDecay;
		this.optionName = optionName;
	}

	/**
	 * Plans a run writing {@code model}: a new one with {@code options} (checked here), or, with {@code resume},
	 * the saved run continued with its saved options, the schedule lengths replaced by {@code nEpochs} and
	 * {@code nEpochsDecay} where they are not null. The kind (pix2pix or CycleGAN) is that of {@code options}.
	 *
	 * @param optionName how the front end writes an option name in messages, e.g. "resume" to "--resume"
	 * @throws IOException if the model or its checkpoint exists and neither resume nor overwrite is asked for,
	 *         if there is nothing to resume, if the saved run is of the other kind, or if a file cannot be read
	 * @throws IllegalArgumentException if both resume and overwrite are asked for, or an option is invalid
	 */
	public static TrainingRun plan(Path model, GanOptions options, boolean resume, boolean overwrite, Integer nEpochs,
			Integer nEpochsDecay, UnaryOperator<String> optionName) throws IOException {
		boolean cycleGan = options instanceof CycleGanOptions;
		if (resume && overwrite)
			throw new IllegalArgumentException("Use " + optionName.apply("resume") + " or " + optionName.apply("overwrite") + ", not both");
		if (!resume) {
			if (!overwrite && (Files.exists(model) || Files.exists(CheckpointFiles.checkpointOf(model))))
				throw new IOException(model + " (or its checkpoint) exists; use " + optionName.apply("resume") + " to continue training it or "
						+ optionName.apply("overwrite") + " to start anew");
			options.validate();
			return new TrainingRun(model, cycleGan, null, options, null, null, optionName);
		}
		Path source = CheckpointFiles.resumeSource(model);
		if (source == null)
			throw new IOException("Nothing to resume: neither " + model + " nor " + CheckpointFiles.checkpointOf(model) + " holds a training state");
		ModelDescription saved = ModelFile.describe(source);
		String kind = cycleGan ? ModelDescription.CYCLEGAN : ModelDescription.PIX2PIX;
		if (!kind.equals(saved.kind))
			throw new IOException(source + " holds a " + saved.kind + " run; it cannot be resumed as " + kind);
		GanOptions savedOptions = ModelJson.gson().fromJson(saved.options, options.getClass());
		if (nEpochs != null) savedOptions.nEpochs = nEpochs;
		if (nEpochsDecay != null) savedOptions.nEpochsDecay = nEpochsDecay;
		savedOptions.validate();
		return new TrainingRun(model, cycleGan, source, savedOptions, nEpochs, nEpochsDecay, optionName);
	}

	/** The model file this run writes. */
	public Path model() { return model; }

	/** The options to prepare the training data with and to train with: the saved ones when resuming. */
	public GanOptions options() { return options; }

	/** The file the run resumes from (the model or its checkpoint), or null for a new run. */
	public Path resumeSource() { return resumeFrom; }

	/**
	 * Names of the options in {@code given} whose values differ from those this run trains with, apart from the
	 * schedule lengths: what a front end should report as ignored when resuming. Empty for a new run.
	 */
	public List<String> ignoredOptions(GanOptions given) {
		List<String> ignored = new ArrayList<>();
		if (resumeFrom == null) return ignored;
		JsonObject asGiven = ModelJson.gson().toJsonTree(given).getAsJsonObject();
		JsonObject used = ModelJson.gson().toJsonTree(options).getAsJsonObject();
		for (Map.Entry<String, JsonElement> e : asGiven.entrySet())
			if (!RESUMABLE_OPTIONS.contains(e.getKey()) && !e.getValue().equals(used.get(e.getKey()))) ignored.add(e.getKey());
		return ignored;
	}

	/** The pix2pix trainer of this run on {@code data}: new, or resumed from the saved state. */
	public Pix2PixTrainer pix2pix(PairedTrainingData data) throws IOException {
		if (cycleGan) throw new IllegalStateException("This is a CycleGAN run");
		Pix2PixTrainer trainer = resumeFrom == null ? new Pix2PixTrainer((Pix2PixOptions) options, data)
				: Pix2PixTrainer.resume(ModelFile.load(resumeFrom, true), data, nEpochs, nEpochsDecay);
		preview = SamplePreview.pix2pix(trainer.model(false), data, PREVIEW_SAMPLES);
		return trainer;
	}

	/** The CycleGAN trainer of this run on {@code data}: new, or resumed from the saved state. */
	public CycleGanTrainer cycleGan(UnpairedTrainingData data) throws IOException {
		if (!cycleGan) throw new IllegalStateException("This is a pix2pix run");
		CycleGanTrainer trainer = resumeFrom == null ? new CycleGanTrainer((CycleGanOptions) options, data)
				: CycleGanTrainer.resume(ModelFile.load(resumeFrom, true), data, nEpochs, nEpochsDecay);
		preview = SamplePreview.cycleGan(trainer.model(false), data, PREVIEW_SAMPLES);
		return trainer;
	}

	/**
	 * Translations of a few fixed training samples by the trainer as it is now (written next to the model at
	 * every checkpoint, shown live in Fiji); null before the trainer is built.
	 */
	public SamplePreview preview() {
		return preview;
	}

	/** Least time between checkpoints written at epoch ends (default 10 minutes; 0: after every epoch). */
	public void setCheckpointMinutes(double minutes) {
		if (!(minutes >= 0)) throw new IllegalArgumentException("The checkpoint interval must not be negative, got " + minutes);
		checkpointMinutes = minutes;
	}

	/** The losses whose sum judges the best model kept next to the model: L1 for pix2pix, the cycle losses for CycleGAN. */
	public List<String> bestModelLosses() {
		return cycleGan ? Arrays.asList("cycle_A", "cycle_B") : Collections.singletonList("G_L1");
	}

	/**
	 * Trains until the schedule ends or {@code monitor} cancels, writing the checkpoint, the best model and the
	 * sample preview ({@link CheckpointFiles#samplesOf}) next to the model after the last epoch, after other
	 * epochs at most every {@link #setCheckpointMinutes checkpoint interval}, and every {@code checkpointEvery}
	 * iterations (0: never), then saves the model; if training stops early, for whatever reason, the checkpoint
	 * is saved too, so that the run can be resumed. A pending thread interruption is set aside while saving (it would abort the writes) and
	 * restored afterwards.
	 *
	 * @return true if the schedule was completed, false if cancelled
	 */
	public boolean train(GanTrainer trainer, TrainingMonitor monitor, int checkpointEvery) throws IOException {
		boolean completed = false;
		try {
			CheckpointFiles files = new CheckpointFiles(model, bestModelLosses());
			Path samples = CheckpointFiles.samplesOf(model);
			trainer.setCheckpointInterval(checkpointMinutes * 60);
			completed = trainer.train(monitor, (t, recent) -> {
				files.write(t, recent);
				if (preview != null)
					ImageFileWriter.write(Collections.singletonList(preview.render()), SampleType.UINT8, samples);
			}, checkpointEvery);
		} finally {
			boolean interrupted = Thread.interrupted();
			try {
				if (!completed) ModelFile.save(trainer.model(true), CheckpointFiles.checkpointOf(model));
				ModelFile.save(trainer.model(false), model);
			} finally {
				if (interrupted) Thread.currentThread().interrupt();
			}
		}
		return completed;
	}

	/** One line on what the trainer is about to do, e.g. "Training 16 iterations (2 epochs of 8), 8 done already". */
	public static String describe(GanTrainer trainer) {
		return "Training " + trainer.iterationsTotal() + " iterations (" + trainer.schedule().epochs() + " epochs of " + trainer.epochLength()
				+ ")" + (trainer.iterationsDone() > 0 ? ", " + trainer.iterationsDone() + " done already" : "");
	}

	/** One line on how training ended and what was saved, with how to go on. */
	public String outcome(GanTrainer trainer, boolean completed) {
		if (completed)
			return "Done: " + trainer.iterationsDone() + " iterations in " + trainer.epochsDone() + " epochs; saved " + model
					+ " (to train longer: " + optionName.apply("resume") + " with a larger " + optionName.apply("n_epochs") + ")";
		return "Stopped after " + trainer.iterationsDone() + " iterations; saved " + model + " and "
				+ CheckpointFiles.checkpointOf(model).getFileName() + "; continue with " + optionName.apply("resume");
	}
}
