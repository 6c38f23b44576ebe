package io.github.imagetranslation.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import io.github.imagetranslation.engine.random.SplitMix64;

class ConvolutionRoutingTest {

	/** The graph's transposed convolution of a small plane (routed around oneDNN) against a direct oneDNN call. */
	@Test
	void smallPlaneTransposedConvolutionWithoutOneDnnEqualsOneDnn() {
		NativeRuntime.prepare();
		for (int side : new int[] { 1, 4, 8, 16 }) {
			SameDiff sd = SameDiff.create();
			ParameterStore params = new ParameterStore(new SplitMix64(side));
			SameDiffLayers layers = new SameDiffLayers(sd, params, NormType.NONE, false);
			assertTrue(sd.getListeners().contains(ConvolutionRouting.INSTANCE));
			SDVariable in = sd.placeHolder("x", DataType.FLOAT, 1, 96, side, side);
			SDVariable out = layers.upsample2x("u", in, 96, 48, 4, true);
			INDArray x = Nd4j.rand(DataType.FLOAT, 1, 96, side, side).subi(0.5);
			INDArray routed = sd.output(Collections.singletonMap("x", x), out.name()).get(out.name());

			INDArray direct = Nd4j.create(DataType.FLOAT, 1, 48, 2 * side, 2 * side);
			Nd4j.exec(DynamicCustomOp.builder("deconv2d").addInputs(x, params.arrays().get("u.W"), params.arrays().get("u.b"))
					.addOutputs(direct).addIntegerArguments(4, 4, 2, 2, 1, 1, 1, 1, 0, 0).build());
			assertArrayEquals(direct.shape(), routed.shape());
			double difference = routed.sub(direct).amaxNumber().doubleValue(), scale = direct.amaxNumber().doubleValue();
			assertTrue(difference <= 1e-5 * scale, side + " px: " + difference + " of " + scale);
		}
	}
}
