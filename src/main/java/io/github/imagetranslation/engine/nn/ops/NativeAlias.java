package io.github.imagetranslation.engine.nn.ops;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.imports.NoOpNameFoundException;
import org.nd4j.imports.converters.ImportClassMapping;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.CustomOpDescriptor;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A libnd4j native op under a name of this project's own, so that it can carry its own gradient.
 * <p>
 * SameDiff builds a graph's gradient function on a copy of the graph whose ops are re-created from their names
 * (serialised and read back), so a subclass of a stock op class turns back into the stock class there and loses
 * an overridden {@code doDiff}. An op of this kind has a name that no stock op uses, is registered under it in
 * ND4J's op-name table ({@link ImportClassMapping#getOpNameMapping()}, a public mutable map and the last place
 * SameDiff looks a name up), and executes the native op it aliases through its hash. Subclasses restore their
 * fields from the integer and floating-point arguments in {@link #configureFromArguments()}, which is how the copy
 * gets them back, and need a public no-argument constructor.
 */
public abstract class NativeAlias extends DynamicCustomOp {

	private static boolean registered;

	/** For re-creation by SameDiff; the arguments are set afterwards. */
	protected NativeAlias() {}

	protected NativeAlias(SameDiff sd, SDVariable... inputs) {
		super(null, sd, inputs);
		register();
	}

	/** Registers every op of this package under its name (once per process). */
	static synchronized void register() {
		if (registered) return;
		Map<String, org.nd4j.autodiff.functions.DifferentialFunction> names = ImportClassMapping.getOpNameMapping();
		for (NativeAlias op : new NativeAlias[] { new NormStatistics(), new Normalize(), new NormalizeBp(), new ReflectionPad(), new ReflectionPadBp(), new Relu(), new Crop(), new NormalizeBpFromOutput() })
			names.putIfAbsent(op.opName(), op);
		registered = true;
	}

	/** One output, by default. */
	@Override
	public int getNumOutputs() { return 1; }

	/** The outputs have the first input's type, by default. */
	@Override
	public List<DataType> calculateOutputDataTypes(List<DataType> in) {
		return Collections.nCopies(getNumOutputs(), in.get(0));
	}

	/** Name of the libnd4j op that executes this one. */
	protected abstract String nativeName();

	@Override
	public abstract String opName();

	@Override
	public CustomOpDescriptor getDescriptor() {
		return Nd4j.getExecutioner().getCustomOperations().get(nativeName());
	}

	@Override
	public long opHash() {
		CustomOpDescriptor d = getDescriptor();
		if (d == null) throw new IllegalStateException("The native library has no op " + nativeName());
		return d.getHash();
	}

	@Override
	public Map<String, Object> propertiesForFunction() {
		return Collections.emptyMap();
	}

	@Override
	public void setPropertiesForFunction(Map<String, Object> properties) {
		// all state is in the integer and floating-point arguments
	}

	@Override
	public String tensorflowName() {
		throw new NoOpNameFoundException("No TensorFlow op for " + opName());
	}

	@Override
	public String onnxName() {
		throw new NoOpNameFoundException("No ONNX op for " + opName());
	}

	/** The integer arguments as ints. */
	protected int[] intArguments(int from) {
		List<Long> all = iArguments;
		int[] out = new int[Math.max(0, all.size() - from)];
		for (int i = 0; i < out.length; i++)
			out[i] = Math.toIntExact(all.get(from + i));
		return out;
	}
}
