package io.github.imagetranslation.engine.loss;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/** The L1 distances used for reconstruction, cycle and identity terms (mean absolute difference). */
public final class ReconstructionLoss {

	private ReconstructionLoss() {}

	/** mean(|a - b|). */
	public static SDVariable l1(SameDiff sd, SDVariable a, SDVariable b) {
		return sd.mean(sd.math().abs(a.sub(b)));
	}
}
