package io.github.imagetranslation.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import io.github.imagetranslation.engine.data.PairedTrainingData;
import io.github.imagetranslation.engine.data.UnpairedTrainingData;
import io.github.imagetranslation.engine.train.CycleGanOptions;
import io.github.imagetranslation.engine.train.GanOptions;
import io.github.imagetranslation.engine.train.GanTrainer;
import io.github.imagetranslation.engine.train.Pix2PixOptions;
import io.github.imagetranslation.imagej.TrainingLog;
import io.github.imagetranslation.imagej.TrainingRun;
import io.github.imagetranslation.imagej.TrainingSets;

/**
 * {@code train-pix2pix} and {@code train-cyclegan}: load the training images, train with progress lines,
 * checkpoint next to the model, save the model atomically at the end or when interrupted, and resume.
 */
final class TrainCommand implements CliCommand {

	private static final Set<String> FLAGS = new HashSet<>(Arrays.asList("resume", "overwrite"));

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
				+ "                           FILE.best.zip (the best model so far by the " + (cycleGan ? "cycle" : "L1") + " loss)\n"
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
		TrainingRun run = TrainingRun.plan(model, options, resume, overwrite, args.integer("n_epochs"), args.integer("n_epochs_decay"),
				key -> "--" + key);
		for (String key : run.ignoredOptions(options))
			if (args.has(key))
				throw new UsageException("--" + key + " differs from the run being resumed; only n_epochs and n_epochs_decay can change");
		if (run.resumeSource() != null) out.println("Resuming from " + run.resumeSource());
		try {
			run.setCheckpointMinutes(checkpointMinutes);
		} catch (IllegalArgumentException e) {
			throw new UsageException(e.getMessage());
		}

		out.println("Reading training images...");
		GanTrainer trainer;
		if (cycleGan) {
			UnpairedTrainingData data = TrainingSets.unpaired(sourceA, sourceB, (CycleGanOptions) run.options());
			out.println("Domain A: " + data.domainA().size() + " images, domain B: " + data.domainB().size() + " images");
			trainer = run.cycleGan(data);
		} else {
			PairedTrainingData data = TrainingSets.paired(sourceA, sourceB, (Pix2PixOptions) run.options(), w -> out.println("Warning: " + w));
			out.println(data.size() + " training pairs");
			trainer = run.pix2pix(data);
		}
		out.println(TrainingRun.describe(trainer));
		try (Interruption interruption = new Interruption()) {
			boolean completed = run.train(trainer, new TrainingLog(out::println, progressSeconds, interruption::requested),
					checkpointEvery == null ? 0 : checkpointEvery);
			out.println(run.outcome(trainer, completed));
			return completed ? ExitCodes.OK : ExitCodes.CANCELLED;
		}
	}
}
