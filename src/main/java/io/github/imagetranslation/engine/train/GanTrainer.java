package io.github.imagetranslation.engine.train;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import com.google.gson.JsonObject;

import io.github.imagetranslation.engine.data.DomainImages;
import io.github.imagetranslation.engine.model.DomainDescription;
import io.github.imagetranslation.engine.model.ModelDescription;
import io.github.imagetranslation.engine.model.ModelJson;
import io.github.imagetranslation.engine.model.TrainingState;
import io.github.imagetranslation.engine.model.TranslationModel;
import io.github.imagetranslation.engine.nn.SameDiffLayers;
import io.github.imagetranslation.engine.random.SplitMix64;

/**
 * The epoch loop shared by the pix2pix and CycleGAN trainers: learning-rate schedule, iteration and epoch
 * counting, loss history, speed and time left, cancellation and checkpoints. Subclasses do one iteration.
 * Everything the loop keeps (position, random state, running loss sums, history) is saved by
 * {@link #loopState()} and restored by {@link #restoreLoopState}, so a resumed run continues its loss curve
 * and schedule where it stopped.
 */
public abstract class GanTrainer {

	/** Writes a checkpoint of a trainer; called by {@link #train} as configured. */
	@FunctionalInterface
	public interface CheckpointWriter {
		/**
		 * @param recentLosses mean losses over the iterations since the previous checkpoint
		 */
		void write(GanTrainer trainer, Map<String, Double> recentLosses) throws java.io.IOException;
	}

	/** The loop's saved position (plain fields, stored as JSON in a model's training state). */
	public static final class LoopState {
		public int epoch;
		public int iterationInEpoch;
		public long iterationsDone;
		public long randomState;
		public long[] samplerState;
		public LinkedHashMap<String, Double> epochLossSums = new LinkedHashMap<>();
		public double epochSeconds;
	}

	protected final SplitMix64 random;
	private final LearningRateSchedule schedule;
	private final List<EpochRecord> history = new ArrayList<>();
	private final LinkedHashMap<String, Double> epochLossSums = new LinkedHashMap<>();
	private final LinkedHashMap<String, Double> checkpointLossSums = new LinkedHashMap<>();
	private int checkpointIterations;
	private int epoch;
	private int iterationInEpoch;
	private long iterationsDone;
	private double epochSeconds;
	private double recentSecondsPerIteration = Double.NaN;
	private double checkpointIntervalSeconds = 600;

	protected GanTrainer(LearningRateSchedule schedule, long seed) {
		this.schedule = schedule;
		this.random = new SplitMix64(seed);
	}

	/** A dropout mask for {@code site}: 0 with the site's rate, else 1 / (1 - rate), drawn from this run's random state. */
	protected INDArray dropoutMask(SameDiffLayers.DropoutSite site) {
		long n = 1;
		for (long s : site.shape) n *= s;
		float[] mask = new float[Math.toIntExact(n)];
		float keep = (float) (1 / (1 - site.rate));
		for (int i = 0; i < mask.length; i++)
			mask[i] = random.nextDouble() < site.rate ? 0 : keep;
		return Nd4j.create(mask, site.shape, 'c');
	}

	/**
	 * The training state of this run: {@code tensors} (e.g. discriminator weights, image pools), each
	 * optimiser's moments as {@code <name>/m/...} and {@code <name>/v/...} with its step count, and the loop.
	 */
	protected TrainingState trainingState(Map<String, INDArray> tensors, Map<String, AdamOptimizer> optimizers) {
		Map<String, INDArray> all = new LinkedHashMap<>(tensors);
		Map<String, Integer> steps = new LinkedHashMap<>();
		optimizers.forEach((name, opt) -> {
			opt.moments().forEach((k, v) -> all.put(name + "/" + k, v));
			steps.put(name, opt.steps());
		});
		return new TrainingState(all, steps, loopState());
	}

	/** Restores each optimiser of {@code optimizers} from {@code state}. */
	protected static void restoreOptimizers(TrainingState state, Map<String, AdamOptimizer> optimizers) {
		optimizers.forEach((name, opt) -> {
			Map<String, INDArray> moments = new HashMap<>();
			String prefix = name + "/";
			state.tensors.forEach((k, v) -> {
				if (k.startsWith(prefix)) moments.put(k.substring(prefix.length()), v);
			});
			opt.restore(moments, state.optimizerSteps.getOrDefault(name, 0));
		});
	}

	/** A description of this run's model with what the loop knows filled in (kind, options, progress, history). */
	protected ModelDescription describe(String kind, Object options, int patchSize, long seed) {
		ModelDescription d = new ModelDescription();
		d.kind = kind;
		d.created = OffsetDateTime.now().toString();
		d.software = ModelJson.SOFTWARE;
		d.patchSize = patchSize;
		d.options = (JsonObject) ModelJson.gson().toJsonTree(options);
		d.seed = seed;
		d.epochsDone = epochsDone();
		d.iterationsDone = iterationsDone();
		d.finished = isFinished();
		d.history = new ArrayList<>(history());
		return d;
	}

	/** A domain's description from its training images. */
	protected static DomainDescription describe(DomainImages images) {
		return new DomainDescription(images.channels(), images.sampleType().name(), images.rule(), images.typicalRange());
	}

	/**
	 * Starts a step of every optimiser with learning rate {@code lr}; returns what hands each gradient of a run to
	 * the optimiser of its parameter.
	 */
	static TrainingGraph.GradientConsumer startSteps(double lr, AdamOptimizer... optimizers) {
		for (AdamOptimizer o : optimizers)
			o.startStep(lr);
		return (parameter, gradient) -> {
			for (AdamOptimizer o : optimizers)
				if (o.updates(parameter)) {
					o.update(parameter, gradient);
					return;
				}
			throw new IllegalStateException("No optimiser updates " + parameter);
		};
	}

	/** The generators' and the discriminators' optimiser under the names their state is saved with. */
	static Map<String, AdamOptimizer> optimizers(AdamOptimizer generators, AdamOptimizer discriminators) {
		Map<String, AdamOptimizer> m = new LinkedHashMap<>();
		m.put("opt_G", generators);
		m.put("opt_D", discriminators);
		return m;
	}

	/** The graph this trainer runs (for profiling). */
	abstract TrainingGraph trainingGraph();

	/** Iterations in one epoch. */
	public abstract int epochLength();

	/** Does one training iteration at learning rate {@code lr} and returns its losses by name. */
	protected abstract Map<String, Double> iterate(double lr);

	/**
	 * The model as trained so far; its weights are the live training arrays (no copy).
	 *
	 * @param withTrainingState include what resuming needs (discriminators, optimisers, loop state)
	 */
	public abstract TranslationModel model(boolean withTrainingState);

	/** The position of the data sampler, saved with the loop state. */
	protected abstract long[] samplerState();

	protected abstract void restoreSamplerState(long[] state);

	/**
	 * Trains until the schedule ends or {@code monitor} cancels. {@code checkpoint} (may be null) is written
	 * every {@code checkpointEvery} iterations (0: never), after the last epoch, and after other epochs when
	 * at least {@link #setCheckpointInterval the checkpoint interval} has passed since the previous one (a
	 * checkpoint of a large model is hundreds of megabytes; small epochs must not write one every second).
	 *
	 * @return true if the schedule was completed, false if cancelled
	 */
	public boolean train(TrainingMonitor monitor, CheckpointWriter checkpoint, int checkpointEvery)
			throws java.io.IOException {
		try {
			return trainLoop(monitor, checkpoint, checkpointEvery);
		} finally {
			// the arrays the graph keeps for reuse between iterations are not needed until training resumes
			trainingGraph().releaseMemory();
		}
	}

	private boolean trainLoop(TrainingMonitor monitor, CheckpointWriter checkpoint, int checkpointEvery)
			throws java.io.IOException {
		long lastCheckpoint = System.nanoTime();
		while (!isFinished()) {
			if (monitor.isCancelled()) return false;
			double lr = schedule.rate(epoch);
			long start = System.nanoTime();
			Map<String, Double> losses = step(lr);
			double seconds = (System.nanoTime() - start) / 1e9;
			recentSecondsPerIteration = Double.isNaN(recentSecondsPerIteration) ? seconds
					: 0.9 * recentSecondsPerIteration + 0.1 * seconds;
			epochSeconds += seconds;
			losses.forEach((k, v) -> epochLossSums.merge(k, v, Double::sum));
			losses.forEach((k, v) -> checkpointLossSums.merge(k, v, Double::sum));
			checkpointIterations++;
			iterationInEpoch++;
			iterationsDone++;
			monitor.iterationDone(progress(losses, lr));
			boolean epochEnds = iterationInEpoch >= epochLength();
			if (epochEnds) {
				Map<String, Double> means = new LinkedHashMap<>();
				int n = iterationInEpoch;
				epochLossSums.forEach((k, v) -> means.put(k, v / n));
				history.add(new EpochRecord(epoch, lr, epochSeconds, means));
				TrainingProgress done = progress(means, lr);
				epoch++;
				iterationInEpoch = 0;
				epochSeconds = 0;
				epochLossSums.clear();
				monitor.epochDone(done);
			}
			boolean due = epochEnds && (isFinished() || (System.nanoTime() - lastCheckpoint) / 1e9 >= checkpointIntervalSeconds);
			if (checkpoint != null && (due || (checkpointEvery > 0 && iterationsDone % checkpointEvery == 0))) {
				lastCheckpoint = System.nanoTime();
				Map<String, Double> recent = new LinkedHashMap<>();
				int n = checkpointIterations;
				checkpointLossSums.forEach((k, v) -> recent.put(k, v / n));
				checkpointLossSums.clear();
				checkpointIterations = 0;
				checkpoint.write(this, recent);
			}
		}
		return true;
	}

	/** One iteration as the training loop runs it: the update, then garbage collection if a second has passed. */
	final Map<String, Double> step(double lr) {
		Map<String, Double> losses = iterate(lr);
		collectGarbageNowAndThen();
		return losses;
	}

	/**
	 * ND4J frees the native memory of an array that nobody closed only when the Java object is garbage collected,
	 * and the Java heap of a training process is so small that collections are rare: a CycleGAN at 128 px grew
	 * from 2.4 to 4.7 GB resident over 72 iterations without this, while its session still left arrays to the
	 * collector. Since {@link OutputArrayPool} gives arrays unique ids the native memory stays flat without it,
	 * and the collections keep the Java heap small: without them the heap settled at about 280 MB and the process
	 * at 1.37 GB over 40 such iterations, against 1.21-1.24 GB. A collection takes 30-90 ms; it runs at most once
	 * a second.
	 */
	private void collectGarbageNowAndThen() {
		long now = System.nanoTime();
		if (now - lastCollection < 1_000_000_000L) return;
		System.gc();
		lastCollection = System.nanoTime();
	}

	private long lastCollection = System.nanoTime();

	private TrainingProgress progress(Map<String, Double> losses, double lr) {
		return new TrainingProgress(Math.min(epoch, schedule.epochs() - 1), schedule.epochs(),
				iterationInEpoch == 0 ? epochLength() : iterationInEpoch, epochLength(), iterationsDone, iterationsTotal(),
				lr, losses, recentSecondsPerIteration);
	}

	/** Minimum time between checkpoints written at epoch ends (default 10 minutes; 0: after every epoch). */
	public void setCheckpointInterval(double seconds) {
		checkpointIntervalSeconds = seconds;
	}

	/** Whether every epoch of the schedule is done. */
	public boolean isFinished() {
		return epoch >= schedule.epochs();
	}

	/** Epochs completed. */
	public int epochsDone() { return epoch; }

	/** Iterations done, including those of sessions this run resumed. */
	public long iterationsDone() { return iterationsDone; }

	/** Iterations the whole schedule takes. */
	public long iterationsTotal() {
		return (long) schedule.epochs() * epochLength();
	}

	/** Mean losses of every finished epoch. */
	public List<EpochRecord> history() {
		return Collections.unmodifiableList(history);
	}

	public LearningRateSchedule schedule() { return schedule; }

	/** A snapshot of the loop's position for a saved training state. */
	public LoopState loopState() {
		LoopState s = new LoopState();
		s.epoch = epoch;
		s.iterationInEpoch = iterationInEpoch;
		s.iterationsDone = iterationsDone;
		s.randomState = random.state();
		s.samplerState = samplerState();
		s.epochLossSums = new LinkedHashMap<>(epochLossSums);
		s.epochSeconds = epochSeconds;
		return s;
	}

	/** Continues from a saved position and history. */
	public void restoreLoopState(LoopState s, List<EpochRecord> savedHistory) {
		epoch = s.epoch;
		iterationInEpoch = s.iterationInEpoch;
		iterationsDone = s.iterationsDone;
		random.setState(s.randomState);
		restoreSamplerState(s.samplerState);
		epochLossSums.clear();
		if (s.epochLossSums != null) epochLossSums.putAll(s.epochLossSums);
		epochSeconds = s.epochSeconds;
		history.clear();
		history.addAll(savedHistory);
	}
}
