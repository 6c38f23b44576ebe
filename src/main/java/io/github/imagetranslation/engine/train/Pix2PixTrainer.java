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

import io.github.imagetranslation.engine.data.PairedTrainingData;
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
 * Trains a pix2pix conditional GAN on aligned pairs: a generator G (U-Net by default) translates input A to
 * B; a PatchGAN discriminator D judges (A, B) pairs stacked as channels. D minimises
 * {@code 0.5 (gan(D(A, B), real) + gan(D(A, G(A)), fake))}; G minimises {@code gan(D(A, G(A)), real) +
 * lambda_l1 |G(A) - B|}. Both networks are updated from one forward/backward pass per iteration with Adam, as
 * the reference CycleGAN code orders its updates (G is judged by D before D's update of the same iteration).
 */
public final class Pix2PixTrainer extends GanTrainer {

	/** Loss names, as the reference implementation prints them. */
	public static final List<String> LOSSES = Arrays.asList("D_real", "D_fake", "G_GAN", "G_L1");

	private static final String DIRECTION = "A2B";
	private static final String G = ModelDescription.generatorPrefix(DIRECTION);
	private static final String D = ModelDescription.discriminatorPrefix("B");
	private static final long INIT_STREAM = 0x5eed_1417_0000_0001L;

	private final Pix2PixOptions options;
	private final PairedTrainingData data;
	private final GeneratorSpec generatorSpec;
	private final DiscriminatorSpec discriminatorSpec;
	private final ParameterStore params;
	private final TrainingGraph graph;
	private final List<SameDiffLayers.DropoutSite> dropoutSites;
	private final AdamOptimizer optimizerG;
	private final AdamOptimizer optimizerD;
	private final float[] inputBatch;
	private final float[] targetBatch;

	/** A new run with weights initialised from {@code options.seed}. */
	public Pix2PixTrainer(Pix2PixOptions options, PairedTrainingData data) {
		this(options, data, new ParameterStore(new SplitMix64(options.seed ^ INIT_STREAM)));
	}

	private Pix2PixTrainer(Pix2PixOptions options, PairedTrainingData data, ParameterStore params) {
		super(options.schedule(), options.seed);
		options.validate();
		if (data.patchSize() != options.patchSize)
			throw new IllegalArgumentException("Training data was cut into " + data.patchSize() + " px patches but patch_size is " + options.patchSize);
		NativeRuntime.prepare();
		this.options = options;
		this.data = data;
		this.params = params;
		generatorSpec = options.generatorSpec(data.inputs().channels(), data.targets().channels());
		discriminatorSpec = options.discriminatorSpec(data.inputs().channels() + data.targets().channels());
		int b = options.batchSize, p = options.patchSize;
		inputBatch = new float[b * data.inputs().channels() * p * p];
		targetBatch = new float[b * data.targets().channels() * p * p];

		SameDiff sd = SameDiff.create();
		SameDiffLayers layers = new SameDiffLayers(sd, params, generatorSpec.norm(), true);
		SDVariable realA = sd.placeHolder("realA", DataType.FLOAT, b, data.inputs().channels(), p, p);
		SDVariable realB = sd.placeHolder("realB", DataType.FLOAT, b, data.targets().channels(), p, p);
		SDVariable fakeB = generatorSpec.build(layers, G, realA, b, p);
		SDVariable fakeDetached = new StopGradient(sd, fakeB).outputVariable();
		GanLoss gan = options.ganLoss();
		SDVariable dReal = gan.build(sd, discriminatorSpec.build(layers, D, sd.concat(1, realA, realB)), true);
		SDVariable dFake = gan.build(sd, discriminatorSpec.build(layers, D, sd.concat(1, realA, fakeDetached)), false);
		SDVariable gGan = gan.build(sd, discriminatorSpec.build(layers.frozen(), D, sd.concat(1, realA, fakeB)), true);
		SDVariable gL1 = ReconstructionLoss.l1(sd, fakeB, realB);
		dReal.rename("D_real");
		dFake.rename("D_fake");
		gGan.rename("G_GAN");
		gL1.rename("G_L1");
		dReal.add(dFake).mul(0.5).add(gGan).add(gL1.mul(options.lambdaL1)).rename("loss");
		dropoutSites = layers.dropoutSites();
		// through OneDnnSession: 0.50-0.53 s per U-Net iteration at 128 px against 0.94-0.99 s with ND4J's
		// convolutions (33-37 thousand page faults per iteration from their per-call allocations), alternated runs
		graph = new TrainingGraph(sd, "loss", params.arrays().keySet(), true, true);
		optimizerG = new AdamOptimizer(params.withPrefix(G), options.beta1, options.beta2, 1e-8);
		optimizerD = new AdamOptimizer(params.withPrefix(D), options.beta1, options.beta2, 1e-8);
	}

	/**
	 * Continues the run saved in {@code model} (which must hold a training state) on {@code data}, with the
	 * schedule lengths optionally changed (null keeps the saved ones) to train longer.
	 */
	public static Pix2PixTrainer resume(TranslationModel model, PairedTrainingData data, Integer nEpochs,
			Integer nEpochsDecay) {
		ModelDescription d = model.description();
		if (!ModelDescription.PIX2PIX.equals(d.kind))
			throw new IllegalArgumentException("Cannot resume pix2pix training from a " + d.kind + " model");
		TrainingState state = model.trainingState();
		if (state == null)
			throw new IllegalArgumentException("The model holds no training state to resume from; it was saved for translation only");
		Pix2PixOptions options = ModelJson.gson().fromJson(d.options, Pix2PixOptions.class);
		if (nEpochs != null) options.nEpochs = nEpochs;
		if (nEpochsDecay != null) options.nEpochsDecay = nEpochsDecay;
		Map<String, INDArray> weights = new LinkedHashMap<>(model.generatorWeights());
		state.tensors.forEach((k, v) -> {
			if (k.startsWith(D)) weights.put(k, v);
		});
		Pix2PixTrainer t = new Pix2PixTrainer(options, data, ParameterStore.of(weights));
		restoreOptimizers(state, t.optimizers());
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
		return Math.max(1, data.sampler().epochLength() / options.batchSize);
	}

	@Override
	protected Map<String, Double> iterate(double lr) {
		data.nextBatch(random, options.flip, options.batchSize, inputBatch, targetBatch);
		int b = options.batchSize, p = options.patchSize;
		Map<String, INDArray> feeds = new HashMap<>();
		feeds.put("realA", Nd4j.create(inputBatch, new long[] { b, data.inputs().channels(), p, p }, 'c'));
		feeds.put("realB", Nd4j.create(targetBatch, new long[] { b, data.targets().channels(), p, p }, 'c'));
		for (SameDiffLayers.DropoutSite site : dropoutSites)
			feeds.put(site.placeholder, dropoutMask(site));
		// each gradient goes to the optimiser as soon as it is complete and is then freed: the U-Net's 42 million
		// weights outweigh its activations at 128 px, and peak memory went 1306/1308 -> 1211/1234 MB (time
		// 0.493/0.479 -> 0.509/0.518 s, within the machine's noise) in two alternated pairs
		OutAndGrad result = graph.run(feeds, LOSSES, startSteps(lr, optimizerG, optimizerD));
		Map<String, Double> losses = new LinkedHashMap<>();
		for (String name : LOSSES)
			losses.put(name, result.getOutputs().get(name).getDouble(0));
		graph.release(result, feeds);
		for (INDArray f : feeds.values()) f.close();
		return losses;
	}

	@Override
	protected long[] samplerState() {
		return data.sampler().state();
	}

	@Override
	protected void restoreSamplerState(long[] state) {
		data.sampler().restore(state);
	}

	/**
	 * The model as trained so far. Its weights are the live training arrays (no copy), so a translator built
	 * from it follows training; save it to keep a snapshot.
	 *
	 * @param withTrainingState include discriminator, optimiser and loop state so that training can resume
	 */
	@Override
	public TranslationModel model(boolean withTrainingState) {
		ModelDescription d = describe(ModelDescription.PIX2PIX, options, options.patchSize, options.seed);
		d.domains.put("A", describe(data.inputs()));
		d.domains.put("B", describe(data.targets()));
		d.generators.put(DIRECTION, generatorSpec);
		d.discriminators.put("B", discriminatorSpec);
		TrainingState state = withTrainingState ? trainingState(params.withPrefix(D), optimizers()) : null;
		return new TranslationModel(d, params.withPrefix(G), state);
	}

	public Pix2PixOptions options() { return options; }

	/** Weights of the generator and discriminator (live arrays). */
	public ParameterStore parameters() { return params; }
}
