package io.github.imagetranslation.engine.train;

import io.github.imagetranslation.engine.norm.NormalizationRule;

/** Options of a pix2pix training run, with the reference implementation's defaults. */
public final class Pix2PixOptions extends GanOptions {

	@OptionDoc("Weight of the L1 distance to the target")
	public double lambdaL1 = 100;
	@OptionDoc("Intensity normalisation of inputs: percentile[:low:high], fixed:min:max or none")
	public String inputNormalization = "percentile:1:99.8";
	@OptionDoc("Intensity normalisation of targets, inverted on translated images")
	public String targetNormalization = "percentile:1:99.8";

	public Pix2PixOptions() {
		generator = "unet_256";
		norm = "batch";
		dropout = 0.5;
		ganLoss = "vanilla";
	}

	@Override
	public void validate() {
		super.validate();
		notNegative("lambda_l1", lambdaL1);
		NormalizationRule.parse(inputNormalization);
		NormalizationRule.parse(targetNormalization);
	}
}
