package io.github.imagetranslation.engine.train;

import io.github.imagetranslation.engine.norm.NormalizationRule;

/** Options of a CycleGAN training run, with the reference implementation's defaults. */
public final class CycleGanOptions extends GanOptions {

	@OptionDoc("Weight of the cycle loss A -> B -> A")
	public double lambdaA = 10;
	@OptionDoc("Weight of the cycle loss B -> A -> B")
	public double lambdaB = 10;
	@OptionDoc("Weight of the identity loss relative to the cycle weights (0 switches it off; needs equal channels)")
	public double lambdaIdentity = 0.5;
	@OptionDoc(value = "Generated images kept for the discriminators' updates (0 switches the pool off)", advanced = true)
	public int poolSize = 50;
	@OptionDoc("Scale images so their shorter side has this many pixels before cropping (0: no scaling)")
	public int loadSize = 0;
	@OptionDoc("Intensity normalisation of domain A: percentile[:low:high], fixed:min:max or none")
	public String normalizationA = "percentile:1:99.8";
	@OptionDoc("Intensity normalisation of domain B")
	public String normalizationB = "percentile:1:99.8";

	public CycleGanOptions() {
		generator = "resnet_9blocks";
		norm = "instance";
		dropout = 0;
		ganLoss = "lsgan";
	}

	@Override
	public void validate() {
		super.validate();
		notNegative("lambda_a", lambdaA);
		notNegative("lambda_b", lambdaB);
		notNegative("lambda_identity", lambdaIdentity);
		if (poolSize < 0) throw new IllegalArgumentException("pool_size must not be negative, got " + poolSize);
		if (loadSize < 0) throw new IllegalArgumentException("load_size must not be negative, got " + loadSize);
		if (loadSize > 0 && loadSize < patchSize)
			throw new IllegalArgumentException("load_size " + loadSize + " is smaller than patch_size " + patchSize);
		NormalizationRule.parse(normalizationA);
		NormalizationRule.parse(normalizationB);
	}
}
