package io.github.imagetranslation.engine.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;
import org.nd4j.linalg.factory.Nd4j;

import io.github.imagetranslation.engine.data.UnpairedTrainingData;
import io.github.imagetranslation.engine.loss.GanLoss;
import io.github.imagetranslation.engine.loss.ReconstructionLoss;
import io.github.imagetranslation.engine.model.ModelDescription;
import io.github.imagetranslation.engine.model.ModelJson;
import io.github.imagetranslation.engine.model.TrainingState;
import io.github.imagetranslation.engine.model.TranslationModel;
import io.github.imagetranslation.engine.nn.DiscriminatorSpec;
import io.github.imagetranslation.engine.nn.GeneratorSpec;
import io.github.imagetranslation.engine.nn.NativeRuntime;
import io.github.imagetranslation.engine.nn.ParameterStore;
import io.github.imagetranslation.engine.nn.SameDiffLayers;
import io.github.imagetranslation.engine.random.SplitMix64;

/**
 * Trains a CycleGAN on two unpaired domains: generators A->B and B->A, and a PatchGAN discriminator per
 * domain. The generators minimise the adversarial losses, the cycle-consistency L1 losses
 * ({@code lambda_a}, {@code lambda_b}) and the identity losses ({@code lambda_identity} times the cycle
 * weight); each discriminator minimises half its loss on real images and on generated images drawn from an
 * {@link ImagePool}. All four networks are updated from one forward/backward pass per iteration, in the
 * reference implementation's order (generators judged by the discriminators before their update). Loss names
 * are the reference's: {@code D_A}/{@code G_A}/{@code cycle_A}/{@code idt_A} concern the A->B generator and the
 * discriminator of domain B, and likewise for B.
 */
public final class CycleGanTrainer extends GanTrainer {

	public static final List<String> LOSSES = Arrays.asList("D_A", "G_A", "cycle_A", "idt_A", "D_B", "G_B", "cycle_B", "idt_B");

	private static final String AB = "A2B", BA = "B2A";
	private static final String G_AB = ModelDescription.generatorPrefix(AB), G_BA = ModelDescription.generatorPrefix(BA);
	private static final String D_A = ModelDescription.discriminatorPrefix("A"), D_B = ModelDescription.discriminatorPrefix("B");
	private static final long INIT_STREAM = 0x5eed_c7c1_0000_0002L;

	private final CycleGanOptions options;
	private final UnpairedTrainingData data;
	private final GeneratorSpec specAB, specBA;
	private final DiscriminatorSpec specDA, specDB;
	private final ParameterStore params;
	private final TrainingGraph graph;
	private final List<SameDiffLayers.DropoutSite> dropoutSites;
	private final AdamOptimizer optimizerG, optimizerD;
	private final ImagePool poolA, poolB;
	private final float[] batchA, batchB;
	private final List<String> outputs;

	/** A new run with weights initialised from {@code options.seed}. */
	public CycleGanTrainer(CycleGanOptions options, UnpairedTrainingData data) {
		this(options, data, new ParameterStore(new SplitMix64(options.seed ^ INIT_STREAM)));
	}

	private CycleGanTrainer(CycleGanOptions options, UnpairedTrainingData data, ParameterStore params) {
		super(options.schedule(), options.seed);
		options.validate();
		if (data.patchSize() != options.patchSize)
			throw new IllegalArgumentException("Training data was cut into " + data.patchSize() + " px patches but patch_size is " + options.patchSize);
		int ca = data.domainA().channels(), cb = data.domainB().channels();
		if (options.lambdaIdentity > 0 && ca != cb)
			throw new IllegalArgumentException("The identity loss needs the same channels in both domains (A has " + ca + ", B has "
					+ cb + "); set lambda_identity=0");
		NativeRuntime.prepare();
		this.options = options;
		this.data = data;
		this.params = params;
		specAB = options.generatorSpec(ca, cb);
		specBA = options.generatorSpec(cb, ca);
		specDA = options.discriminatorSpec(ca);
		specDB = options.discriminatorSpec(cb);
		poolA = new ImagePool(options.poolSize);
		poolB = new ImagePool(options.poolSize);
		int n = options.batchSize, p = options.patchSize;
		batchA = new float[n * ca * p * p];
		batchB = new float[n * cb * p * p];

		SameDiff sd = SameDiff.create();
		SameDiffLayers layers = new SameDiffLayers(sd, params, specAB.norm(), true);
		SameDiffLayers judges = layers.frozen();
		SDVariable realA = sd.placeHolder("realA", DataType.FLOAT, n, ca, p, p);
		SDVariable realB = sd.placeHolder("realB", DataType.FLOAT, n, cb, p, p);
		SDVariable fakeB = specAB.build(layers, G_AB, realA, n, p).rename("fakeB");
		SDVariable recA = specBA.build(layers, G_BA, fakeB, n, p);
		SDVariable fakeA = specBA.build(layers, G_BA, realB, n, p).rename("fakeA");
		SDVariable recB = specAB.build(layers, G_AB, fakeA, n, p);
		GanLoss gan = options.ganLoss();
		List<SDVariable> terms = new ArrayList<>();
		terms.add(gan.build(sd, specDB.build(judges, D_B, fakeB), true).rename("G_A"));
		terms.add(gan.build(sd, specDA.build(judges, D_A, fakeA), true).rename("G_B"));
		terms.add(ReconstructionLoss.l1(sd, recA, realA).mul(options.lambdaA).rename("cycle_A"));
		terms.add(ReconstructionLoss.l1(sd, recB, realB).mul(options.lambdaB).rename("cycle_B"));
		if (options.lambdaIdentity > 0) {
			SDVariable idtA = specAB.build(layers, G_AB, realB, n, p);
			SDVariable idtB = specBA.build(layers, G_BA, realA, n, p);
			terms.add(ReconstructionLoss.l1(sd, idtA, realB).mul(options.lambdaB * options.lambdaIdentity).rename("idt_A"));
			terms.add(ReconstructionLoss.l1(sd, idtB, realA).mul(options.lambdaA * options.lambdaIdentity).rename("idt_B"));
		}
		terms.add(discriminatorLoss(sd, layers, gan, specDB, D_B, realB, pooled(sd, "B", fakeB, n, cb, p)).rename("D_A"));
		terms.add(discriminatorLoss(sd, layers, gan, specDA, D_A, realA, pooled(sd, "A", fakeA, n, ca, p)).rename("D_B"));
		SDVariable total = terms.get(0);
		for (int i = 1; i < terms.size(); i++)
			total = total.add(terms.get(i));
		total.rename("loss");
		outputs = new ArrayList<>();
		for (SDVariable t : terms)
			outputs.add(t.name());
		outputs.add("fakeA");
		outputs.add("fakeB");
		dropoutSites = layers.dropoutSites();
		// oneDNN's convolutions (OneDnnSession): an iteration at 128 px took 2.7-3.4 s against 3.2-3.4 s with ND4J's,
		// at 256 px 13.0 s against 17.7 s (alternated runs, bench/run)
		graph = new TrainingGraph(sd, "loss", params.arrays().keySet(), true, false);
		Map<String, INDArray> g = new LinkedHashMap<>(params.withPrefix(G_AB));
		g.putAll(params.withPrefix(G_BA));
		Map<String, INDArray> d = new LinkedHashMap<>(params.withPrefix(D_A));
		d.putAll(params.withPrefix(D_B));
		optimizerG = new AdamOptimizer(g, options.beta1, options.beta2, 1e-8);
		optimizerD = new AdamOptimizer(d, options.beta1, options.beta2, 1e-8);
	}

	/**
	 * What the discriminator of a domain sees as fake: per image, the image just generated (through
	 * stop-gradient) or one from the pool, as chosen before the step.
	 */
	private static SDVariable pooled(SameDiff sd, String domain, SDVariable fake, int n, int c, int p) {
		SDVariable stored = sd.placeHolder("pool" + domain, DataType.FLOAT, n, c, p, p);
		SDVariable useNew = sd.placeHolder("useNew" + domain, DataType.FLOAT, n, 1, 1, 1);
		SDVariable detached = new StopGradient(sd, fake).outputVariable();
		return detached.mul(useNew).add(stored.mul(useNew.rsub(1.0)));
	}

	private static SDVariable discriminatorLoss(SameDiff sd, SameDiffLayers layers, GanLoss gan, DiscriminatorSpec spec,
			String prefix, SDVariable real, SDVariable fake) {
		SDVariable onReal = gan.build(sd, spec.build(layers, prefix, real), true);
		SDVariable onFake = gan.build(sd, spec.build(layers, prefix, fake), false);
		return onReal.add(onFake).mul(0.5);
	}

	/**
	 * Continues the run saved in {@code model} (which must hold a training state) on {@code data}, with the
	 * schedule lengths optionally changed (null keeps the saved ones).
	 */
	public static CycleGanTrainer resume(TranslationModel model, UnpairedTrainingData data, Integer nEpochs,
			Integer nEpochsDecay) {
		ModelDescription d = model.description();
		if (!ModelDescription.CYCLEGAN.equals(d.kind))
			throw new IllegalArgumentException("Cannot resume CycleGAN training from a " + d.kind + " model");
		TrainingState state = model.trainingState();
		if (state == null)
			throw new IllegalArgumentException("The model holds no training state to resume from; it was saved for translation only");
		CycleGanOptions options = ModelJson.gson().fromJson(d.options, CycleGanOptions.class);
		if (nEpochs != null) options.nEpochs = nEpochs;
		if (nEpochsDecay != null) options.nEpochsDecay = nEpochsDecay;
		Map<String, INDArray> weights = new LinkedHashMap<>(model.generatorWeights());
		state.tensors.forEach((k, v) -> {
			if (k.startsWith(D_A) || k.startsWith(D_B)) weights.put(k, v);
		});
		CycleGanTrainer t = new CycleGanTrainer(options, data, ParameterStore.of(weights));
		restoreOptimizers(state, t.optimizers());
		t.poolA.restore(unstack(state.tensors.get("pool_A")));
		t.poolB.restore(unstack(state.tensors.get("pool_B")));
		t.restoreLoopState(state.loop, d.history);
		return t;
	}

	private Map<String, AdamOptimizer> optimizers() {
		return optimizers(optimizerG, optimizerD);
	}

	@Override
	TrainingGraph trainingGraph() {
		return graph;
	}

	@Override
	public int epochLength() {
		return Math.max(1, data.epochLength() / options.batchSize);
	}

	@Override
	protected Map<String, Double> iterate(double lr) {
		data.nextBatch(random, options.flip, options.batchSize, batchA, batchB);
		int n = options.batchSize, p = options.patchSize, ca = data.domainA().channels(), cb = data.domainB().channels();
		Map<String, INDArray> feeds = new HashMap<>();
		feeds.put("realA", Nd4j.create(batchA, new long[] { n, ca, p, p }, 'c'));
		feeds.put("realB", Nd4j.create(batchB, new long[] { n, cb, p, p }, 'c'));
		ImagePool.Choice[] choicesA = feedPool(feeds, "A", poolA, n, ca, p);
		ImagePool.Choice[] choicesB = feedPool(feeds, "B", poolB, n, cb, p);
		for (SameDiffLayers.DropoutSite site : dropoutSites)
			feeds.put(site.placeholder, dropoutMask(site));
		// gradients after the run: handed over during it (as pix2pix does), the peak memory of a 128 px iteration
		// was 1385/1388 -> 1416/1444 MB and the time 2.14/2.38 -> 2.20/2.62 s in two alternated pairs (the peak is
		// the activations at the end of the forward pass, before any gradient exists)
		OutAndGrad result = graph.run(feeds, outputs);
		Map<String, INDArray> out = result.getOutputs();
		Map<String, Double> losses = new LinkedHashMap<>();
		for (String name : LOSSES)
			losses.put(name, out.containsKey(name) ? out.get(name).getDouble(0) : 0.0);
		commit(poolA, choicesA, out.get("fakeA"));
		commit(poolB, choicesB, out.get("fakeB"));
		optimizerG.step(result.getGradients(), lr);
		optimizerD.step(result.getGradients(), lr);
		graph.release(result, feeds);
		for (INDArray f : feeds.values()) f.close();
		return losses;
	}

	/**
	 * Gradients of the combined loss for every parameter on the given batches, with every pooled image taken
	 * as the new one; for tests of which loss reaches which network. Changes no weight.
	 */
	Map<String, INDArray> gradients(float[] a, float[] b) {
		int n = options.batchSize, p = options.patchSize, ca = data.domainA().channels(), cb = data.domainB().channels();
		Map<String, INDArray> feeds = new HashMap<>();
		feeds.put("realA", Nd4j.create(a, new long[] { n, ca, p, p }, 'c'));
		feeds.put("realB", Nd4j.create(b, new long[] { n, cb, p, p }, 'c'));
		feeds.put("poolA", Nd4j.zeros(DataType.FLOAT, n, ca, p, p));
		feeds.put("poolB", Nd4j.zeros(DataType.FLOAT, n, cb, p, p));
		feeds.put("useNewA", Nd4j.ones(DataType.FLOAT, n, 1, 1, 1));
		feeds.put("useNewB", Nd4j.ones(DataType.FLOAT, n, 1, 1, 1));
		Map<String, INDArray> out = new HashMap<>();
		OutAndGrad result = graph.run(feeds, outputs);
		result.getGradients().forEach((k, v) -> out.put(k, v.dup()));
		graph.release(result, feeds);
		for (INDArray f : feeds.values()) f.close();
		return out;
	}

	private ImagePool.Choice[] feedPool(Map<String, INDArray> feeds, String domain, ImagePool pool, int n, int c, int p) {
		int size = c * p * p;
		float[] stored = new float[n * size];
		float[] useNew = new float[n];
		ImagePool.Choice[] choices = new ImagePool.Choice[n];
		for (int b = 0; b < n; b++) {
			choices[b] = pool.choose(random);
			if (choices[b].useNew()) useNew[b] = 1;
			else System.arraycopy(pool.stored(choices[b]), 0, stored, b * size, size);
		}
		feeds.put("pool" + domain, Nd4j.create(stored, new long[] { n, c, p, p }, 'c'));
		feeds.put("useNew" + domain, Nd4j.create(useNew, new long[] { n, 1, 1, 1 }, 'c'));
		return choices;
	}

	private static void commit(ImagePool pool, ImagePool.Choice[] choices, INDArray fakes) {
		float[] all = fakes.reshape(fakes.length()).toFloatVector();
		int size = all.length / choices.length;
		for (int b = 0; b < choices.length; b++)
			pool.commit(choices[b], Arrays.copyOfRange(all, b * size, (b + 1) * size));
	}

	private INDArray stack(ImagePool pool, int channels) {
		List<float[]> images = pool.images();
		int p = options.patchSize;
		if (images.isEmpty()) return Nd4j.zeros(DataType.FLOAT, 0, channels, p, p);
		float[] all = new float[images.size() * channels * p * p];
		for (int i = 0; i < images.size(); i++)
			System.arraycopy(images.get(i), 0, all, i * channels * p * p, channels * p * p);
		return Nd4j.create(all, new long[] { images.size(), channels, p, p }, 'c');
	}

	private static List<float[]> unstack(INDArray stacked) {
		List<float[]> out = new ArrayList<>();
		if (stacked == null || stacked.length() == 0) return out;
		float[] all = stacked.reshape(stacked.length()).toFloatVector();
		int n = (int) stacked.size(0), size = all.length / n;
		for (int i = 0; i < n; i++)
			out.add(Arrays.copyOfRange(all, i * size, (i + 1) * size));
		return out;
	}

	@Override
	protected long[] samplerState() {
		return data.samplerState();
	}

	@Override
	protected void restoreSamplerState(long[] state) {
		data.restoreSamplerState(state);
	}

	/**
	 * The model as trained so far, with both generators. Its weights are the live training arrays (no copy).
	 *
	 * @param withTrainingState include discriminators, optimisers, image pools and loop state to resume from
	 */
	@Override
	public TranslationModel model(boolean withTrainingState) {
		ModelDescription d = describe(ModelDescription.CYCLEGAN, options, options.patchSize, options.seed);
		d.domains.put("A", describe(data.domainA()));
		d.domains.put("B", describe(data.domainB()));
		d.generators.put(AB, specAB);
		d.generators.put(BA, specBA);
		d.discriminators.put("A", specDA);
		d.discriminators.put("B", specDB);
		TrainingState state = null;
		if (withTrainingState) {
			Map<String, INDArray> tensors = new LinkedHashMap<>(params.withPrefix(D_A));
			tensors.putAll(params.withPrefix(D_B));
			if (poolA.size() > 0) tensors.put("pool_A", stack(poolA, data.domainA().channels()));
			if (poolB.size() > 0) tensors.put("pool_B", stack(poolB, data.domainB().channels()));
			state = trainingState(tensors, optimizers());
		}
		Map<String, INDArray> generators = new LinkedHashMap<>(params.withPrefix(G_AB));
		generators.putAll(params.withPrefix(G_BA));
		return new TranslationModel(d, generators, state);
	}

	public CycleGanOptions options() { return options; }

	/** All four networks' weights (live arrays). */
	public ParameterStore parameters() { return params; }
}
