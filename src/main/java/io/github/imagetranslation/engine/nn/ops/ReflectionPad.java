package io.github.imagetranslation.engine.nn.ops;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.PadMode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.shape.bp.StridedSliceBp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reflection padding of one axis by {@code p} (PyTorch's {@code ReflectionPad}: the edge is not repeated), as one
 * native gather of rows (or columns) by a reflected index list, with a gradient that adds each mirrored border row
 * of the incoming gradient back onto the row it was copied from. (libnd4j's own reflect and mirror pads are
 * 10-50 times slower than a gather.) When the axis length is given, the gradient is a few slices, additions of
 * single rows and one concatenation; when it is not (-1), it is built from size-independent ops that cost several
 * full-size arrays (as SameDiff's gradient of padding composed of slices would).
 */
public final class ReflectionPad extends NativeAlias {

	public static final String NAME = "imagetranslation_reflection_pad";

	/** Whether gradients built on this thread take the padding's gradient as one {@link ReflectionPadBp}. */
	private static final ThreadLocal<Boolean> ONE_OP_GRADIENTS = ThreadLocal.withInitial(() -> false);

	private int padAxis;
	private int padding;
	private long axisLength;

	public ReflectionPad() {}

	private ReflectionPad(SameDiff sd, SDVariable x, SDVariable indices, int axis, int p, long size) {
		super(sd, x, indices);
		this.padAxis = axis;
		this.padding = p;
		this.axisLength = size;
		addIArgument(axis);
		// gather reads only its first integer argument; the rest of this op's state goes where gather does not look
		addTArgument(p, size);
	}

	/**
	 * Pads the planes of {@code x} ({@code [N, C, height, width]}) by {@code p} on every side. {@code height} and
	 * {@code width} must be the true plane size, or -1 when it is not known.
	 */
	public static SDVariable pad(SameDiff sd, SDVariable x, int p, long height, long width) {
		return padAxis(sd, padAxis(sd, x, 2, p, height), 3, p, width);
	}

	/**
	 * Pads axis {@code axis} of {@code x}, of length {@code size} (-1: unknown), by {@code p} at both ends. (Not an
	 * overload of {@link #pad}: with int arguments Java would pick this one, and a wrong axis reads out of bounds.)
	 */
	static SDVariable padAxis(SameDiff sd, SDVariable x, int axis, int p, long size) {
		if (p < 1) throw new IllegalArgumentException("Padding must be positive, got " + p);
		if ((size >= 0 && size <= p) || size < -1)
			throw new IllegalArgumentException("Reflection padding by " + p + " needs more than " + p + " pixels, got " + size);
		SDVariable indices;
		if (size > 0) {
			int[] index = new int[Math.toIntExact(size + 2 * p)];
			for (int i = 0; i < index.length; i++) {
				long k = i - p;
				index[i] = (int) (k < 0 ? -k : k >= size ? 2 * size - 2 - k : k);
			}
			indices = sd.constant(Nd4j.createFromArray(index));
		} else {
			// 0..n-1 reflected by p at run time (a few integers: speed does not matter)
			SDVariable n = sd.shape(x).castTo(DataType.INT).get(SDIndex.point(axis));
			SDVariable range = sd.range(sd.constant(0), n, sd.constant(1), DataType.INT);
			indices = sd.nn().pad(range, sd.constant(Nd4j.createFromArray(new int[][] { { p, p } })), PadMode.REFLECT, 0);
		}
		return new ReflectionPad(sd, x, indices, axis, p, size).outputVariable();
	}

	/**
	 * Runs {@code work} (which builds a gradient function) so that the gradients of reflection paddings it builds
	 * on this thread are single {@link ReflectionPadBp} ops, for a session that runs them.
	 */
	public static <T> T withOneOpGradients(Supplier<T> work) {
		boolean before = ONE_OP_GRADIENTS.get();
		ONE_OP_GRADIENTS.set(true);
		try {
			return work.get();
		} finally {
			ONE_OP_GRADIENTS.set(before);
		}
	}

	/**
	 * The same padding as this op's, of {@code input}, as a new op in {@code sd} (a graph holding this op's index
	 * list under the same name, such as the gradient function built from this op's graph).
	 */
	public SDVariable again(SameDiff sd, SDVariable input) {
		SDVariable indices = sd.getVariable(sameDiff.getOps().get(getOwnName()).getInputsToOp().get(1));
		return new ReflectionPad(sd, input, indices, padAxis, padding, axisLength).outputVariable();
	}

	/** The padded axis of this op (2: rows, 3: columns). */
	public int axis() {
		return padAxis;
	}

	/** The padded axis (2: rows, 3: columns) of the op run with {@code context}. */
	public static int axis(OpContext context) {
		return Math.toIntExact(context.getIArguments().get(0));
	}

	/** Lines added at each end by the op run with {@code context}. */
	public static int padding(OpContext context) {
		return (int) (double) context.getTArguments().get(0);
	}

	@Override
	public String opName() { return NAME; }

	@Override
	protected String nativeName() { return "gather"; }

	@Override
	public void configureFromArguments() {
		padAxis = Math.toIntExact(iArguments.get(0));
		padding = (int) (double) tArguments.get(0);
		axisLength = (long) (double) tArguments.get(1);
	}

	@Override
	public List<SDVariable> doDiff(List<SDVariable> gradients) {
		SDVariable g = gradients.get(0);
		if (ONE_OP_GRADIENTS.get()) return Collections.singletonList(new ReflectionPadBp(sameDiff, g, padAxis, padding).outputVariable());
		return Collections.singletonList(axisLength > 0 ? fold(sameDiff, g, padAxis, padding, axisLength)
				: foldAnySize(sameDiff, g, arg(0), padAxis, padding));
	}

	/**
	 * The gradient for the unpadded input along {@code axis} from the gradient {@code g} of the output padded by
	 * {@code p} there: row {@code k} gets {@code g[k + p]} plus {@code g[t]} of every border row {@code t} that is a
	 * copy of row {@code k}. Runs of rows without copies are one slice each.
	 */
	static SDVariable fold(SameDiff sd, SDVariable g, int axis, int p, long size) {
		List<List<Long>> sources = new ArrayList<>();
		for (long k = 0; k < size; k++)
			sources.add(new ArrayList<>(Collections.singletonList(k + p)));
		for (int t = 0; t < p; t++) {
			sources.get(p - t).add((long) t); // top border row t copies row p - t
			sources.get(Math.toIntExact(size - 2 - t)).add(size + p + t); // bottom border row copies row size - 2 - t
		}
		List<SDVariable> parts = new ArrayList<>();
		long k = 0;
		while (k < size) {
			if (sources.get(Math.toIntExact(k)).size() == 1) {
				long end = k;
				while (end < size && sources.get(Math.toIntExact(end)).size() == 1)
					end++;
				parts.add(slice(g, axis, k + p, end + p));
				k = end;
			} else {
				SDVariable sum = null;
				for (long s : sources.get(Math.toIntExact(k))) {
					SDVariable row = slice(g, axis, s, s + 1);
					sum = sum == null ? row : sum.add(row);
				}
				parts.add(sum);
				k++;
			}
		}
		return parts.size() == 1 ? parts.get(0) : sd.concat(axis, parts.toArray(new SDVariable[0]));
	}

	/**
	 * What {@link #fold} computes, without knowing the size: the cropped gradient plus each border row placed, in a
	 * full-size array of zeros shaped like {@code like} (the unpadded input), on the row it copies.
	 */
	static SDVariable foldAnySize(SameDiff sd, SDVariable g, SDVariable like, int axis, int p) {
		SDVariable sum = slice(g, axis, p, -p);
		for (int i = 1; i <= p; i++) {
			// top border row p - i copies row i; bottom border row -(p + 1 - i) (from the end) copies row -(1 + i)
			sum = sum.add(place(sd, like, slice(g, axis, p - i, p - i + 1), axis, i, i + 1));
			sum = sum.add(place(sd, like, slice(g, axis, -(p + 1 - i), -(p - i)), axis, -(1 + i), -i));
		}
		return sum;
	}

	/** A zero array shaped like {@code like} with {@code strip} at {@code [from, to)} of {@code axis} (0 as end: to the end). */
	private static SDVariable place(SameDiff sd, SDVariable like, SDVariable strip, int axis, long from, long to) {
		long[] begin = new long[4], end = new long[4];
		int beginMask = 0, endMask = 0;
		for (int a = 0; a < 4; a++) {
			if (a == axis) continue;
			beginMask |= 1 << a;
			endMask |= 1 << a;
		}
		begin[axis] = from;
		end[axis] = to;
		if (to == 0) endMask |= 1 << axis;
		return new StridedSliceBp(sd, like, strip, begin, end, new long[] { 1, 1, 1, 1 }, beginMask, endMask, 0, 0, 0)
				.outputVariable();
	}

	/** {@code x[from:to]} along {@code axis}; negative indices count from the end, and 0 as end means the end. */
	private static SDVariable slice(SDVariable x, int axis, long from, long to) {
		SDIndex[] index = { SDIndex.all(), SDIndex.all(), SDIndex.all(), SDIndex.all() };
		index[axis] = to == 0 ? SDIndex.interval(from, (Long) null) : SDIndex.interval(from, to);
		return x.get(index);
	}
}
