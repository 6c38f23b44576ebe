package io.github.imagetranslation.bench;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * A SameDiff listener that times every op by type and counts the multiply-add work of convolutions
 * (2 FLOPs per multiply-add; backward convolutions count their data and weight gradients).
 */
public final class OpProfile extends BaseListener {

	private final Map<String, long[]> byType = new HashMap<>();
	private long started;
	public double flops;

	@Override
	public boolean isActive(Operation operation) {
		return true;
	}

	@Override
	public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext opContext) {
		started = System.nanoTime();
	}

	@Override
	public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext ctx, INDArray[] outputs) {
		long t = System.nanoTime() - started;
		String type = op.getOp().opName();
		long[] entry = byType.computeIfAbsent(type, k -> new long[2]);
		entry[0] += t;
		entry[1]++;
		if (ctx == null) return;
		INDArray[] in = ctx.getInputArrays().toArray(new INDArray[0]);
		switch (type) {
			case "conv2d": {
				long[] w = in[1].shape(); // kH, kW, inC, outC
				flops += 2.0 * outputs[0].length() * w[0] * w[1] * w[2];
				break;
			}
			case "conv2d_bp": {
				long[] w = in[1].shape();
				long out = in[in.length - 1].length();
				flops += 2 * 2.0 * out * w[0] * w[1] * w[2];
				break;
			}
			case "deconv2d": {
				long[] w = in[1].shape(); // kH, kW, outC, inC
				flops += 2.0 * in[0].length() * w[0] * w[1] * w[2];
				break;
			}
			case "deconv2d_bp": {
				long[] w = in[1].shape();
				flops += 2 * 2.0 * in[0].length() * w[0] * w[1] * w[2];
				break;
			}
			default:
		}
	}

	public void reset() {
		byType.clear();
		flops = 0;
	}

	/** Op types by total time, with their share. */
	public String report() {
		long total = 0;
		for (long[] e : byType.values())
			total += e[0];
		TreeMap<Long, String> sorted = new TreeMap<>((a, b) -> Long.compare(b, a));
		for (Map.Entry<String, long[]> e : byType.entrySet())
			sorted.put(e.getValue()[0] * 1000 + sorted.size(), String.format(Locale.ROOT, "  %-28s %8.1f ms %5.1f%% %6d calls",
					e.getKey(), e.getValue()[0] / 1e6, 100.0 * e.getValue()[0] / total, e.getValue()[1]));
		StringBuilder s = new StringBuilder();
		int n = 0;
		for (String line : sorted.values())
			if (n++ < 25) s.append(line).append('\n');
		return s.toString();
	}
}
