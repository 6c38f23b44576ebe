package io.github.imagetranslation.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.factory.Nd4j;

import io.github.imagetranslation.engine.nn.NativeRuntime;

/** The training graph's runs, and the arrays a run hands out being reused by the next. */
class TrainingGraphTest {

	private static final Conv2DConfig CONV = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).pH(1).pW(1).dataFormat("NCHW").build();

	/** A convolution with a weighted-sum loss; {@code x} is fed. */
	private static SameDiff graph(INDArray w, INDArray lossWeights) {
		SameDiff sd = SameDiff.create();
		SDVariable x = sd.placeHolder("x", DataType.FLOAT, 1, 2, 5, 5);
		SDVariable y = sd.cnn().conv2d("y", x, sd.var("w", w.dup()), CONV);
		y.mul(sd.constant("c", lossWeights)).sum().rename("loss");
		return sd;
	}

	/** The gradient for {@code w} from SameDiff's own gradient calculation on a fresh copy of the graph. */
	private static INDArray expectedGradient(INDArray w, INDArray lossWeights, INDArray x) {
		SameDiff sd = graph(w, lossWeights);
		sd.setLossVariables("loss");
		return sd.calculateGradients(Map.of("x", x), "w").get("w");
	}

	@Test
	void aRunReusesTheArraysThePreviousRunHandedOutAndFillsThemAnew() {
		NativeRuntime.prepare();
		Nd4j.getRandom().setSeed(5);
		INDArray w = Nd4j.rand(DataType.FLOAT, 3, 3, 2, 4).subi(0.5), lossWeights = Nd4j.rand(DataType.FLOAT, 1, 4, 5, 5);
		for (boolean oneDnn : new boolean[] { false, true }) {
			TrainingGraph graph = new TrainingGraph(graph(w, lossWeights), "loss", List.of("w"), oneDnn);
			INDArray x1 = Nd4j.rand(DataType.FLOAT, 1, 2, 5, 5), x2 = Nd4j.rand(DataType.FLOAT, 1, 2, 5, 5).muli(-3);
			Map<String, INDArray> feeds = new HashMap<>(Map.of("x", x1));
			OutAndGrad first = graph.run(feeds, List.of("loss", "x"));
			INDArray firstGradient = first.getGradients().get("w");
			assertEquals(0, firstGradient.sub(expectedGradient(w, lossWeights, x1)).amaxNumber().doubleValue(), 1e-4, "first run");
			assertSame(x1, first.getOutputs().get("x"), "a fed array asked for comes back as it is");
			INDArray x1Copy = x1.dup();
			graph.release(first, feeds);

			feeds.put("x", x2);
			OutAndGrad second = graph.run(feeds, List.of("loss", "x"));
			assertSame(firstGradient, second.getGradients().get("w"), "oneDNN " + oneDnn + ": the gradient array is reused");
			assertEquals(0, second.getGradients().get("w").sub(expectedGradient(w, lossWeights, x2)).amaxNumber().doubleValue(), 1e-4,
					"oneDNN " + oneDnn + ": the reused array holds the second run's gradient");
			assertFalse(x1.wasClosed(), "a feed is not the session's to take");
			assertEquals(0, x1.sub(x1Copy).amaxNumber().doubleValue(), "and it is not written to");
			graph.release(second, feeds);
			graph.releaseMemory();
		}
	}
}
