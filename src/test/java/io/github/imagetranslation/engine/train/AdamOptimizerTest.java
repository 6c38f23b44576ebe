package io.github.imagetranslation.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The optimiser's update against libnd4j's Adam op and against the formula. */
class AdamOptimizerTest {

	private static final double LR = 2e-3, BETA1 = 0.5, BETA2 = 0.999, EPSILON = 1e-8;

	@Test
	void stepsFollowLibnd4jsAdamAndTheFormula() {
		Nd4j.getRandom().setSeed(3);
		// a large plain array (several parallel chunks), a small one, and a view (updated through libnd4j's op)
		INDArray big = Nd4j.rand(DataType.FLOAT, 600_001).subi(0.5), small = Nd4j.rand(DataType.FLOAT, 3, 4);
		INDArray view = Nd4j.rand(DataType.FLOAT, 6, 5).get(NDArrayIndex.interval(1, 4), NDArrayIndex.all());
		Map<String, INDArray> params = new LinkedHashMap<>();
		params.put("big", big);
		params.put("small", small);
		params.put("view", view);
		Map<String, INDArray> expected = new LinkedHashMap<>(), mRef = new LinkedHashMap<>(), vRef = new LinkedHashMap<>();
		params.forEach((k, p) -> {
			expected.put(k, p.dup());
			mRef.put(k, Nd4j.zeros(DataType.FLOAT, p.shape()));
			vRef.put(k, Nd4j.zeros(DataType.FLOAT, p.shape()));
		});
		double[] m0 = new double[1], v0 = new double[1], p0 = { big.getDouble(7) };
		AdamOptimizer adam = new AdamOptimizer(params, BETA1, BETA2, EPSILON);
		for (int step = 0; step < 3; step++) {
			Map<String, INDArray> gradients = new LinkedHashMap<>(), copies = new LinkedHashMap<>();
			for (Map.Entry<String, INDArray> e : params.entrySet()) {
				INDArray g = Nd4j.rand(DataType.FLOAT, e.getValue().shape()).subi(0.4).muli(step + 1);
				gradients.put(e.getKey(), g);
				copies.put(e.getKey(), g.dup());
			}
			// the formula for one element, in double: bias-corrected step size, epsilon added to the root
			double g7 = copies.get("big").getDouble(7), t = step + 1;
			m0[0] = BETA1 * m0[0] + (1 - BETA1) * g7;
			v0[0] = BETA2 * v0[0] + (1 - BETA2) * g7 * g7;
			p0[0] -= LR * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t)) * m0[0] / (Math.sqrt(v0[0]) + EPSILON);

			adam.step(gradients, LR);
			for (String k : params.keySet()) {
				INDArray g = copies.get(k);
				Nd4j.exec(new AdamUpdater(g, vRef.get(k), mRef.get(k), LR, BETA1, BETA2, EPSILON, step));
				expected.get(k).subi(g);
				double scale = expected.get(k).amaxNumber().doubleValue();
				assertEquals(0, params.get(k).sub(expected.get(k)).amaxNumber().doubleValue() / scale, 1e-6, k + " after step " + (step + 1));
				assertEquals(0, adam.moments().get("m/" + k).sub(mRef.get(k)).amaxNumber().doubleValue(), 1e-6, "m of " + k);
				assertEquals(0, adam.moments().get("v/" + k).sub(vRef.get(k)).amaxNumber().doubleValue(), 1e-7, "v of " + k);
			}
			assertEquals(p0[0], big.getDouble(7), 1e-6, "element 7 after step " + (step + 1));
		}
		assertEquals(3, adam.steps());
	}
}
