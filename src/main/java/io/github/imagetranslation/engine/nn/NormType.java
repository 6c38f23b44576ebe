package io.github.imagetranslation.engine.nn;

/** Normalisation layer used inside generators and discriminators. */
public enum NormType {
	/** Per-sample, per-channel standardisation over the image plane, no learned affine (the CycleGAN default). */
	INSTANCE,
	/**
	 * Standardisation over batch and plane with a learned per-channel scale and shift, always using the
	 * statistics of the current batch while training (as the reference implementation does when it is not put
	 * in eval mode) and of each image at inference; with batch size 1 it equals instance norm plus an affine.
	 */
	BATCH,
	/** No normalisation; convolutions then carry a bias. */
	NONE;

	/** Parses "instance", "batch" or "none" (any case). */
	public static NormType parse(String s) {
		for (NormType t : values())
			if (t.name().equalsIgnoreCase(s.trim())) return t;
		throw new IllegalArgumentException("Unknown normalisation '" + s + "': use instance, batch or none");
	}

	/** Whether a convolution followed by this normalisation needs its own bias (as in the reference). */
	boolean convolutionNeedsBias() {
		return this != BATCH;
	}
}
