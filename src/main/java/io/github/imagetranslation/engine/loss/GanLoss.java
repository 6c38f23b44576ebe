package io.github.imagetranslation.engine.loss;

import java.util.Locale;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/** Adversarial loss on discriminator logits, as the reference implementation's {@code GANLoss}. */
public enum GanLoss {
	/** Least squares: mean((logit - label)^2); the CycleGAN default. */
	LSGAN,
	/** Sigmoid cross-entropy on logits; the pix2pix default. */
	VANILLA;

	/** Parses "lsgan" or "vanilla" (any case). */
	public static GanLoss parse(String s) {
		for (GanLoss l : values())
			if (l.name().equalsIgnoreCase(s.trim())) return l;
		throw new IllegalArgumentException("Unknown GAN loss '" + s + "': use lsgan or vanilla");
	}

	/** The mean loss of {@code logits} judged as real ({@code real}) or fake. */
	public SDVariable build(SameDiff sd, SDVariable logits, boolean real) {
		if (this == LSGAN) {
			SDVariable diff = real ? logits.sub(1.0) : logits;
			return sd.mean(sd.math().square(diff));
		}
		// -log(sigmoid(z)) = relu(-z) + log(1 + exp(-|z|)); -log(1 - sigmoid(z)) = relu(z) + log(1 + exp(-|z|)),
		// written this way so that large logits neither overflow nor lose the gradient
		SDVariable softTail = sd.math().log1p(sd.math().exp(sd.math().abs(logits).neg()));
		SDVariable hinge = sd.nn().relu(real ? logits.neg() : logits, 0);
		return sd.mean(hinge.add(softTail));
	}

	public String key() {
		return name().toLowerCase(Locale.ROOT);
	}
}
