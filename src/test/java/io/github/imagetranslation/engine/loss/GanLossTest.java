package io.github.imagetranslation.engine.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

/** Each loss term on known inputs against values computed by hand. */
class GanLossTest {

	private static double eval(SameDiff sd, SDVariable v) {
		return v.eval().getDouble(0);
	}

	private static SDVariable logits(SameDiff sd) {
		// logits -2, 0, 1, 3
		return sd.constant(Nd4j.create(new float[] { -2, 0, 1, 3 }, new long[] { 1, 1, 2, 2 }, 'c'));
	}

	@Test
	void leastSquaresLoss() {
		SameDiff sd = SameDiff.create();
		// real: ((−3)² + (−1)² + 0² + 2²) / 4 = (9 + 1 + 0 + 4) / 4 = 3.5
		assertEquals(3.5, eval(sd, GanLoss.LSGAN.build(sd, logits(sd), true)), 1e-6);
		// fake: (4 + 0 + 1 + 9) / 4 = 3.5
		assertEquals(3.5, eval(sd, GanLoss.LSGAN.build(sd, logits(sd), false)), 1e-6);
	}

	@Test
	void vanillaLossIsSigmoidCrossEntropy() {
		SameDiff sd = SameDiff.create();
		double[] z = { -2, 0, 1, 3 };
		double real = 0, fake = 0;
		for (double v : z) {
			double p = 1 / (1 + Math.exp(-v));
			real -= Math.log(p);
			fake -= Math.log(1 - p);
		}
		// real: (2.126928 + 0.693147 + 0.313262 + 0.048587) / 4 = 0.795481
		assertEquals(0.795481, real / 4, 1e-6);
		assertEquals(real / 4, eval(sd, GanLoss.VANILLA.build(sd, logits(sd), true)), 1e-6);
		assertEquals(fake / 4, eval(sd, GanLoss.VANILLA.build(sd, logits(sd), false)), 1e-6);
	}

	@Test
	void vanillaLossStaysFiniteForLargeLogits() {
		SameDiff sd = SameDiff.create();
		SDVariable big = sd.constant(Nd4j.create(new float[] { -200, 200 }, new long[] { 1, 1, 1, 2 }, 'c'));
		// -log(sigmoid(-200)) = 200 (plus log(1 + e^-200) = 0); -log(sigmoid(200)) = 0: mean 100
		double v = eval(sd, GanLoss.VANILLA.build(sd, big, true));
		assertTrue(Double.isFinite(v));
		assertEquals(100, v, 1e-4);
	}

	@Test
	void l1IsTheMeanAbsoluteDifference() {
		SameDiff sd = SameDiff.create();
		SDVariable a = sd.constant(Nd4j.create(new float[] { 1, -1, 0.5f, 0 }, new long[] { 1, 1, 2, 2 }, 'c'));
		SDVariable b = sd.constant(Nd4j.create(new float[] { 0, 1, 0.5f, -0.25f }, new long[] { 1, 1, 2, 2 }, 'c'));
		// (1 + 2 + 0 + 0.25) / 4 = 0.8125
		assertEquals(0.8125, eval(sd, ReconstructionLoss.l1(sd, a, b)), 1e-6);
	}
}
