package io.github.imagetranslation.engine.train;

import io.github.imagetranslation.engine.loss.GanLoss;
import io.github.imagetranslation.engine.nn.DiscriminatorSpec;
import io.github.imagetranslation.engine.nn.GeneratorSpec;
import io.github.imagetranslation.engine.nn.NormType;

/**
 * Options shared by pix2pix and CycleGAN training. Field names, written in snake_case, are also the
 * command-line option names and macro keys, and the options are stored in the model file, so that a model
 * says how it was trained. Subclasses set the reference implementation's defaults for their kind.
 */
public abstract class GanOptions {

	@OptionDoc("Generator: unet_128, unet_256, resnet_6blocks or resnet_9blocks")
	public String generator;
	@OptionDoc("Filters in the generator's first layer")
	public int ngf = 64;
	@OptionDoc(value = "Normalisation in both networks: batch, instance or none", advanced = true)
	public String norm;
	@OptionDoc(value = "Dropout rate in the generator's inner blocks (0 switches it off)", advanced = true)
	public double dropout;
	@OptionDoc(value = "Discriminator: basic (70x70 PatchGAN), n_layers or pixel", advanced = true)
	public String discriminator = "basic";
	@OptionDoc(value = "Layers of an n_layers discriminator", advanced = true)
	public int nLayersD = 3;
	@OptionDoc(value = "Filters in the discriminator's first layer", advanced = true)
	public int ndf = 64;
	@OptionDoc(value = "Adversarial loss: vanilla or lsgan", advanced = true)
	public String ganLoss;
	@OptionDoc("Initial Adam learning rate")
	public double lr = 2e-4;
	@OptionDoc(value = "Adam momentum term", advanced = true)
	public double beta1 = 0.5;
	@OptionDoc(value = "Adam second-moment decay", advanced = true)
	public double beta2 = 0.999;
	@OptionDoc("Epochs at the initial learning rate")
	public int nEpochs = 100;
	@OptionDoc("Epochs of linear decay of the learning rate to zero")
	public int nEpochsDecay = 100;
	@OptionDoc(value = "Patches per iteration", advanced = true)
	public int batchSize = 1;
	@OptionDoc("Side of the square training patches (a multiple of what the generator needs)")
	public int patchSize = 256;
	@OptionDoc(value = "Mirror training images left-right at random", advanced = true)
	public boolean flip = true;
	@OptionDoc("Seed of every random choice; the same seed and data repeat a run")
	public long seed = 42;

	/** Checks every option, throwing IllegalArgumentException with a one-line reason. */
	public void validate() {
		generatorSpec(1, 1);
		discriminatorSpec(1);
		GanLoss.parse(ganLoss);
		positive("ngf", ngf);
		positive("ndf", ndf);
		positive("batch_size", batchSize);
		positive("patch_size", patchSize);
		if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1)
			throw new IllegalArgumentException("beta1 and beta2 must be in [0, 1)");
		schedule();
		int multiple = generatorSpec(1, 1).sizeMultiple();
		if (patchSize % multiple != 0)
			throw new IllegalArgumentException("patch_size " + patchSize + " is not a multiple of " + multiple + ", which "
					+ generator + " needs; use e.g. patch_size=" + Math.max(multiple, patchSize / multiple * multiple));
	}

	static void positive(String name, int value) {
		if (value < 1) throw new IllegalArgumentException(name + " must be positive, got " + value);
	}

	static void notNegative(String name, double value) {
		if (!(value >= 0)) throw new IllegalArgumentException(name + " must not be negative, got " + value);
	}

	public GeneratorSpec generatorSpec(int inChannels, int outChannels) {
		return GeneratorSpec.named(generator, ngf, NormType.parse(norm), dropout, inChannels, outChannels);
	}

	public DiscriminatorSpec discriminatorSpec(int channels) {
		return DiscriminatorSpec.named(discriminator, nLayersD, ndf, NormType.parse(norm), channels);
	}

	public GanLoss ganLoss() {
		return GanLoss.parse(ganLoss);
	}

	public LearningRateSchedule schedule() {
		return new LearningRateSchedule(lr, nEpochs, nEpochsDecay);
	}
}
