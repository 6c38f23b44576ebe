package io.github.imagetranslation.engine.train;

import java.lang.reflect.Field;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.BaseNDArray;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;

import io.github.imagetranslation.engine.nn.ArrayArena;

/**
 * A SameDiff session's memory manager that takes back the arrays a run handed out (its outputs: a training
 * step's losses and gradients) and gives them to the next run that needs an array of the same type, shape and
 * order, before asking the session's own manager. That one keeps the arrays it frees inside a run for reuse, but
 * closes an array returned from outside whenever native code still counts a reference to its buffer, which after
 * an optimiser step is always: the ~40 million gradient floats of a pix2pix U-Net were allocated anew every
 * iteration, about a third of the iteration's time in the native allocator and first-touch page faults. Arrays
 * from an {@link ArrayArena} underneath go back to it instead, free for arrays of any shape.
 * <p>
 * Every array handed out gets an id no other array has. The session tracks which arrays it may free by their ids,
 * and ND4J 1.0.0-M2.1 gives a reused array ({@code BaseNDArray.assignNewId}, as the session's own manager does on
 * every reuse) the same id as the next new array: the session then never freed one of the two, and a CycleGAN
 * iteration at 128 px left 60-250 MB it had finished with to Java's garbage collector (resident memory 1.75 GB
 * where it is 1.47 GB with unique ids).
 */
final class OutputArrayPool implements SessionMemMgr {

	/**
	 * ND4J's counter of array ids (private): taking one from it after a reuse keeps the next new array's id unique.
	 * Null where ND4J has no such field.
	 */
	private static final AtomicLong ARRAY_IDS = arrayIds();

	private final SessionMemMgr session;
	private final Map<String, Deque<INDArray>> free = new HashMap<>();

	OutputArrayPool(SessionMemMgr session) {
		this.session = session;
	}

	/** Keeps {@code a}, which nothing may use any more, for a later allocation (frees it, if from an {@link ArrayArena}). */
	void giveBack(INDArray a) {
		if (session instanceof ArrayArena && ((ArrayArena) session).free(a)) return;
		free.computeIfAbsent(key(a.dataType(), a.shape(), a.ordering()), k -> new ArrayDeque<>()).push(a);
	}

	@Override
	public INDArray allocate(boolean detached, DataType dataType, long... shape) {
		INDArray a = take(key(dataType, shape, 'c'));
		return withUniqueId(a != null ? a : session.allocate(detached, dataType, shape));
	}

	@Override
	public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
		INDArray a = descriptor.isEmpty() ? null : take(key(descriptor.dataType(), descriptor.getShape(), descriptor.getOrder()));
		return withUniqueId(a != null ? a : session.allocate(detached, descriptor));
	}

	/**
	 * Gives {@code a} a new id ({@code assignNewId} takes the counter's next value, which the counter would also
	 * give the next new array) and moves the counter past it.
	 */
	private static INDArray withUniqueId(INDArray a) {
		if (ARRAY_IDS != null && a instanceof BaseNDArray) {
			((BaseNDArray) a).assignNewId();
			ARRAY_IDS.getAndIncrement();
		}
		return a;
	}

	private static AtomicLong arrayIds() {
		try {
			Field f = BaseNDArray.class.getDeclaredField("arrayCounter");
			f.setAccessible(true);
			return (AtomicLong) f.get(null);
		} catch (ReflectiveOperationException | RuntimeException e) {
			return null; // another ND4J version: its ids are left as they are
		}
	}

	private INDArray take(String key) {
		Deque<INDArray> arrays = free.get(key);
		while (arrays != null && !arrays.isEmpty()) {
			INDArray a = arrays.pop();
			if (!a.wasClosed()) return a;
		}
		return null;
	}

	private static String key(DataType type, long[] shape, char order) {
		return type + Arrays.toString(shape) + order;
	}

	/**
	 * Tells an {@link ArrayArena} underneath that a run has ended and handed out {@code outputs}: whatever else it
	 * still counts as in use is free (see {@link ArrayArena#freeAllBut}).
	 */
	void runEnded(Collection<INDArray> outputs) {
		if (session instanceof ArrayArena) ((ArrayArena) session).freeAllBut(outputs);
	}

	/** The manager this pool asks for arrays it does not have. */
	SessionMemMgr underlying() {
		return session;
	}

	@Override
	public INDArray ulike(INDArray arr) {
		return session.ulike(arr);
	}

	@Override
	public INDArray dup(INDArray arr) {
		return session.dup(arr);
	}

	@Override
	public void release(INDArray array) {
		session.release(array);
	}

	/** Closes the kept arrays and the session's own manager. */
	@Override
	public void close() {
		List<INDArray> all = new ArrayList<>();
		free.values().forEach(all::addAll);
		free.clear();
		for (INDArray a : all)
			if (!a.wasClosed() && a.closeable()) a.close();
		session.close();
	}
}
