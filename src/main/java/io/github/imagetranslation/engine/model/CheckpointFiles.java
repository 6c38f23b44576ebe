package io.github.imagetranslation.engine.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.github.imagetranslation.engine.train.GanTrainer;

/**
 * Where a training run keeps its files next to the model {@code name.zip}: the latest checkpoint
 * {@code name.checkpoint.zip} (with the training state, written every N iterations and after every epoch) and
 * the best model so far {@code name.best.zip} (generators only), judged by the mean of chosen losses since the
 * previous checkpoint (lower is better). Every file is written atomically, so a killed process leaves the
 * previous checkpoint intact, and {@link #resumeSource} finds the newest state to continue from.
 */
public final class CheckpointFiles implements GanTrainer.CheckpointWriter {

	private final Path model;
	private final List<String> monitor;
	private double best = Double.POSITIVE_INFINITY;

	/**
	 * @param monitor loss names whose sum judges the best model (e.g. cycle_A and cycle_B); empty for no best
	 *        model
	 */
	public CheckpointFiles(Path model, List<String> monitor) {
		this.model = model;
		this.monitor = monitor;
	}

	/** {@code name.checkpoint.zip} next to {@code model}. */
	public static Path checkpointOf(Path model) {
		return sibling(model, ".checkpoint.zip");
	}

	/** {@code name.samples.png} next to {@code model}: a preview of translations written while training. */
	public static Path samplesOf(Path model) {
		return sibling(model, ".samples.png");
	}

	/** {@code name.best.zip} next to {@code model}. */
	public static Path bestOf(Path model) {
		return sibling(model, ".best.zip");
	}

	private static Path sibling(Path model, String suffix) {
		String name = model.getFileName().toString();
		String base = name.toLowerCase(java.util.Locale.ROOT).endsWith(".zip") ? name.substring(0, name.length() - 4) : name;
		return model.resolveSibling(base + suffix);
	}

	@Override
	public void write(GanTrainer trainer, Map<String, Double> recentLosses) throws IOException {
		ModelFile.save(trainer.model(true), checkpointOf(model));
		if (monitor.isEmpty()) return;
		double score = 0;
		for (String name : monitor) {
			Double v = recentLosses.get(name);
			if (v == null) return;
			score += v;
		}
		if (score < best) {
			best = score;
			ModelFile.save(trainer.model(false), bestOf(model));
		}
	}

	/** The best score so far (sum of the monitored mean losses), or +infinity. */
	public double best() { return best; }

	/**
	 * The newest file holding a training state among the model and its checkpoint, or null if neither does:
	 * after a crash only the checkpoint may exist; after a finished run the model is newest.
	 */
	public static Path resumeSource(Path model) throws IOException {
		Path checkpoint = checkpointOf(model);
		boolean hasModel = Files.isRegularFile(model) && ModelFile.hasTrainingState(model);
		boolean hasCheckpoint = Files.isRegularFile(checkpoint) && ModelFile.hasTrainingState(checkpoint);
		if (hasModel && hasCheckpoint)
			return ModelFile.describe(checkpoint).iterationsDone > ModelFile.describe(model).iterationsDone ? checkpoint : model;
		return hasModel ? model : hasCheckpoint ? checkpoint : null;
	}
}
