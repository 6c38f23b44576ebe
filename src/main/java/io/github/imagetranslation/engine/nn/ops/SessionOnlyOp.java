package io.github.imagetranslation.engine.nn.ops;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * An op that no native library computes: only an execution session that runs it itself ({@code OneDnnSession})
 * may be given a graph with it, and running it anywhere else fails with a message saying so.
 */
abstract class SessionOnlyOp extends NativeAlias {

	protected SessionOnlyOp() {}

	protected SessionOnlyOp(SameDiff sd, SDVariable... inputs) {
		super(sd, inputs);
	}

	@Override
	protected String nativeName() { return opName(); }

	@Override
	public long opHash() {
		throw new IllegalStateException(opName() + " runs only in an execution session that implements it (OneDnnSession)");
	}
}
