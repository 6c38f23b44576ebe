package io.github.imagetranslation.engine.nn.ops;

import java.util.Collections;
import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;

/**
 * {@code max(x, 0)} (libnd4j {@code relu}, a vectorised scalar transform), with its gradient {@code dy} where
 * {@code y > 0}, else 0, as one op on the output {@code y} ({@code relu_bp}, which
 * {@link io.github.imagetranslation.engine.nn.OneDnnSession} runs through oneDNN; libnd4j's own calls a C++
 * {@code std::function} per element, 2.2 ms per million values). The output is kept for the backward pass anyway
 * (the next layer's input); the gradient as {@code dy * step(y)} also kept the mask {@code step(y)} from the
 * forward pass on (SameDiff runs it as soon as {@code y} exists), one more array of the layer's size per ReLU
 * until the backward pass reached it. ({@code lrelu_bp} with slope 0 would pass {@code dy} where {@code y = 0}.)
 */
public final class Relu extends NativeAlias {

	public static final String NAME = "imagetranslation_relu";

	public Relu() {}

	private Relu(SameDiff sd, SDVariable x) {
		super(sd, x);
		addTArgument(0.0);
	}

	public static SDVariable relu(SameDiff sd, SDVariable x) {
		return new Relu(sd, x).outputVariable();
	}

	@Override
	public String opName() { return NAME; }

	@Override
	protected String nativeName() { return "relu"; }

	@Override
	public List<SDVariable> doDiff(List<SDVariable> gradients) {
		return Collections.singletonList(new RectifiedLinearDerivative(sameDiff, outputVariable(), gradients.get(0)).outputVariable());
	}
}
