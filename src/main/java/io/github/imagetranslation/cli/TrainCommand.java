package io.github.imagetranslation.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.github.imagetranslation.engine.model.CheckpointFiles;
import io.github.imagetranslation.engine.model.ModelFile;
import io.github.imagetranslation.engine.model.TranslationModel;
import io.github.imagetranslation.engine.train.CycleGanOptions;
import io.github.imagetranslation.engine.train.CycleGanTrainer;
import io.github.imagetranslation.engine.train.GanOptions;
import io.github.imagetranslation.engine.train.GanTrainer;
import io.github.imagetranslation.engine.train.Pix2PixOptions;
import io.github.imagetranslation.engine.train.Pix2PixTrainer;
import io.github.imagetranslation.engine.image.SampleType;
import io.github.imagetranslation.engine.infer.SamplePreview;
import io.github.imagetranslation.imagej.ImageFileWriter;
import io.github.imagetranslation.imagej.TrainingSets;

/**
 * {@code train-pix2pix} and {@code train-cyclegan}: load the training images, train with progress lines,
 * checkpoint next to the model, save the model atomically at the end or when interrupted, and resume.
 */
final class TrainCommand implements CliCommand {

	private static final Set<String> FLAGS = new HashSet<>(Arrays.asList("resume", "overwrite"));
	private static final int PREVIEW_SAMPLES = 3;
	private static final Set<String> RESUMABLE = new HashSet<>(Arrays.asList("n_epochs", "n_epochs_decay"));

	private final boolean cycleGan;

	TrainCommand(boolean cycleGan) {
		this.cycleGan = cycleGan;
	}

	@Override
	public String name() {
		return cycleGan ? "train-cyclegan" : "train-pix2pix";
	}

	@Override
	public String summary() {
		return cycleGan ? "train a CycleGAN on two unpaired image sets (domain A and domain B)"
				: "train a pix2pix model on aligned input/target pairs";
	}

	@Override
	public Set<String> flags() {
		return FLAGS;
	}

	@Override
	public String help() {
		String data = cycleGan
				? "  --domain_a PATH          folder of domain-A images, or one image/stack file (each slice a sample)\n"
						+ "  --domain_b PATH          the same for domain B (unpaired: any count, any sizes)\n"
				: "  --input PATH             folder of input images, or one image/stack file\n"
						+ "  --target PATH            folder of target images (paired by file name), or one file\n"
						+ "                           (paired slice by slice; one large pair is cut into random crops)\n";
		return "Usage: " + name() + " " + (cycleGan ? "--domain_a PATH --domain_b PATH" : "--input PATH --target PATH")
				+ " --model FILE.zip [options]\n\n"
				+ summary() + ".\n\n"
				+ data
				+ "  --model FILE             the model to write (a .zip, generators only); next to it training keeps\n"
				+ "                           FILE.checkpoint.zip (everything needed to resume, see --checkpoint_minutes),\n"
				+ "                           FILE.best.zip (the best model so far by the "
				+ (cycleGan ? "cycle" : "L1") + " loss)\n"
				+ "                           and FILE.samples.png (translations of a few training samples)\n"
				+ "  --resume                 continue the run saved in FILE (or its newer checkpoint); only n_epochs and\n"
				+ "                           n_epochs_decay may be changed\n"
				+ "  --overwrite              start anew even if FILE exists\n"
				+ "  --checkpoint_minutes M   checkpoint after an epoch when M minutes have passed since the last one\n"
				+ "                           (default 10; 0: after every epoch); always after the last epoch\n"
				+ "  --checkpoint_every N     also checkpoint every N iterations\n"
				+ "  --progress_seconds S     seconds between progress lines (default 10)\n\n"
				+ "Training options:\n" + OptionBinder.describe(cycleGan ? new CycleGanOptions() : new Pix2PixOptions())
				+ "\nCtrl-C stops training after the current iteration and saves the model and a checkpoint.";
	}

	@Override
	public int run(Arguments args, PrintStream out) throws Exception {
		Path model = args.requiredPath("model");
		Path sourceA = args.requiredPath(cycleGan ? "domain_a" : "input");
		Path sourceB = args.requiredPath(cycleGan ? "domain_b" : "target");
		boolean resume = args.flag("resume");
		boolean overwrite = args.flag("overwrite");
		Integer checkpointEvery = args.integer("checkpoint_every");
		double checkpointMinutes = args.number("checkpoint_minutes", 10);
		double progressSeconds = args.number("progress_seconds", 10);
		GanOptions options = cycleGan ? new CycleGanOptions() : new Pix2PixOptions();
		OptionBinder.bind(args, options);
		args.checkAllUsed();
		if (resume && overwrite) throw new UsageException("Use --resume or --overwrite, not both");
		if (resume) {
			for (Field f : OptionBinder.fields(options.getClass())) {
				String key = OptionBinder.optionName(f);
				if (args.has(key) && !RESUMABLE.contains(key))
					throw new UsageException("--" + key + " cannot be changed when resuming; only n_epochs and n_epochs_decay can");
			}
		}
		Path resumeFrom = resume ? CheckpointFiles.resumeSource(model) : null;
		if (resume && resumeFrom == null)
			throw new IOException("Nothing to resume: neither " + model + " nor " + CheckpointFiles.checkpointOf(model)
					+ " holds a training state");
		if (!resume && !overwrite && (Files.exists(model) || Files.exists(CheckpointFiles.checkpointOf(model))))
			throw new IOException(model + " (or its checkpoint) exists; use --resume to continue training it or --overwrite to start anew");
		if (resume) options = io.github.imagetranslation.engine.model.ModelJson.gson()
				.fromJson(ModelFile.describe(resumeFrom).options, options.getClass());
		else options.validate();

		out.println("Reading training images...");
		GanTrainer trainer;
		SamplePreview preview;
		if (cycleGan) {
			CycleGanOptions o = (CycleGanOptions) options;
			io.github.imagetranslation.engine.data.UnpairedTrainingData data = TrainingSets.unpaired(sourceA, sourceB, o);
			out.println("Domain A: " + data.domainA().size() + " images, domain B: " + data.domainB().size() + " images");
			preview = new SamplePreview(SamplePreview.centreCrops(data.domainA().all(), PREVIEW_SAMPLES, o.patchSize),
					SamplePreview.centreCrops(data.domainB().all(), PREVIEW_SAMPLES, o.patchSize), true);
			trainer = resumeFrom != null
					? CycleGanTrainer.resume(load(resumeFrom, out), data, args.integer("n_epochs"), args.integer("n_epochs_decay"))
					: new CycleGanTrainer(o, data);
		} else {
			Pix2PixOptions o = (Pix2PixOptions) options;
			io.github.imagetranslation.engine.data.PairedTrainingData data = TrainingSets.paired(sourceA, sourceB, o,
					w -> out.println("Warning: " + w));
			out.println(data.size() + " training pairs");
			preview = new SamplePreview(SamplePreview.centreCrops(data.inputs().all(), PREVIEW_SAMPLES, o.patchSize),
					SamplePreview.centreCrops(data.targets().all(), PREVIEW_SAMPLES, o.patchSize), false);
			trainer = resumeFrom != null
					? Pix2PixTrainer.resume(load(resumeFrom, out), data, args.integer("n_epochs"), args.integer("n_epochs_decay"))
					: new Pix2PixTrainer(o, data);
		}
		out.println(describeRun(trainer));
		trainer.setCheckpointInterval(checkpointMinutes * 60);
		List<String> monitor = cycleGan ? Arrays.asList("cycle_A", "cycle_B") : Collections.singletonList("G_L1");
		CheckpointFiles checkpointFiles = new CheckpointFiles(model, monitor);
		Path samples = CheckpointFiles.samplesOf(model);
		GanTrainer.CheckpointWriter checkpoints = (t, recent) -> {
			checkpointFiles.write(t, recent);
			ImageFileWriter.write(Collections.singletonList(preview.render(t.model(false))), SampleType.UINT8, samples);
		};
		try (Interruption interruption = new Interruption()) {
			boolean completed = false;
			try {
				completed = trainer.train(new ConsoleMonitor(out, progressSeconds, interruption::requested), checkpoints,
						checkpointEvery == null ? 0 : checkpointEvery);
			} finally {
				if (!completed) ModelFile.save(trainer.model(true), CheckpointFiles.checkpointOf(model));
				ModelFile.save(trainer.model(false), model);
			}
			if (!completed) {
				out.println("Interrupted after " + trainer.iterationsDone() + " iterations; saved " + model + " and "
						+ CheckpointFiles.checkpointOf(model).getFileName() + ". Continue with --resume.");
				return ExitCodes.CANCELLED;
			}
		}
		out.println("Done: " + trainer.iterationsDone() + " iterations in " + trainer.epochsDone() + " epochs; saved " + model
				+ " (to train longer: --resume --n_epochs N)");
		return ExitCodes.OK;
	}

	private static TranslationModel load(Path file, PrintStream out) throws IOException {
		out.println("Resuming from " + file);
		return ModelFile.load(file, true);
	}

	private static String describeRun(GanTrainer t) {
		return "Training " + t.iterationsTotal() + " iterations (" + t.schedule().epochs() + " epochs of " + t.epochLength()
				+ ")" + (t.iterationsDone() > 0 ? ", " + t.iterationsDone() + " done already" : "");
	}
}
