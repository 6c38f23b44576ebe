package io.github.imagetranslation.engine.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A SameDiff session's memory for its large float arrays: one stretch of address space reserved up front (only
 * the pages used become resident), from which each array gets the smallest free range that holds it, a freed
 * range merging with free neighbours. An array of one shape thus reuses memory that arrays of other shapes have
 * finished with, as the memory planners of inference engines and PyTorch's caching allocator do. SameDiff's own
 * cache reuses an array only for one of the same shape: a CycleGAN iteration at 128 px kept 442 MB of arrays of
 * which at most 260 MB were in use at once (a replay of its allocations put this allocator at 271 MB). Every
 * run of a training graph asks for the same arrays in the same order, so it gets the same ranges, and the array
 * objects made for a range and shape are handed out again.
 * <p>
 * Small arrays, other types, and whatever does not fit once the reservation is used up go to the session's own
 * manager. An array released while something else still shares its buffer (ND4J counts the users) keeps its
 * range until that use ends.
 */
public final class ArrayArena implements SessionMemMgr {

	/** Arrays below this many bytes go to the session's own manager (per-channel statistics and the like). */
	static final long SMALLEST = 64 * 1024;
	/** Ranges start at multiples of this many bytes (a cache line; what oneDNN aligns its own memory to). */
	private static final long ALIGNMENT = 64;

	private final SessionMemMgr fallback;
	private final long base, capacity;
	/** Free ranges: start to length, and ordered by length then start (for the smallest that fits). */
	private final TreeMap<Long, Long> freeByStart = new TreeMap<>();
	private final TreeSet<long[]> freeByLength = new TreeSet<>(Comparator.<long[]> comparingLong(r -> r[1]).thenComparingLong(r -> r[0]));
	/** Ranges handed out: start to length, and to the array handed out over it. */
	private final Map<Long, Long> used = new HashMap<>();
	private final Map<Long, INDArray> owners = new HashMap<>();
	/** The arrays made over each range start so far, to hand out again for the same shape. */
	private final Map<Long, List<INDArray>> made = new HashMap<>();
	/** Released arrays whose buffer something else still used, with their range's start. */
	private final Map<INDArray, Long> shared = new IdentityHashMap<>();
	private long highWater;

	private ArrayArena(SessionMemMgr fallback, long base, long capacity) {
		this.fallback = fallback;
		this.base = base;
		this.capacity = capacity;
		addFree(0, capacity);
	}

	/**
	 * A manager serving large float arrays from a reservation of {@code capacity} bytes and everything else from
	 * {@code fallback}; {@code fallback} itself where address space cannot be reserved (not Linux).
	 */
	public static SessionMemMgr over(SessionMemMgr fallback, long capacity) {
		long reserved = NativeRuntime.reserveMemory(capacity);
		return reserved == 0 ? fallback : new ArrayArena(fallback, reserved, capacity);
	}

	/** As {@link #over(SessionMemMgr, long)}, reserving half the machine's physical memory (at least 1 GB). */
	public static SessionMemMgr over(SessionMemMgr fallback) {
		return over(fallback, Math.max(1L << 30, Pointer.totalPhysicalBytes() / 2) / ALIGNMENT * ALIGNMENT);
	}

	@Override
	public INDArray allocate(boolean detached, DataType dataType, long... shape) {
		INDArray a = fromArena(dataType, shape, 'c');
		return a != null ? a : fallback.allocate(detached, dataType, shape);
	}

	@Override
	public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
		INDArray a = descriptor.isEmpty() ? null : fromArena(descriptor.dataType(), descriptor.getShape(), descriptor.getOrder());
		return a != null ? a : fallback.allocate(detached, descriptor);
	}

	private INDArray fromArena(DataType type, long[] shape, char order) {
		if (type != DataType.FLOAT || shape.length == 0) return null;
		long length = 1;
		for (long s : shape)
			length *= s;
		long bytes = length * Float.BYTES;
		if (bytes < SMALLEST) return null;
		if (!shared.isEmpty()) freeUnshared();
		long start = take((bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT);
		if (start < 0) return null;
		INDArray a = arrayAt(start, shape, length, order);
		owners.put(start, a);
		return a;
	}

	/** An array over the range at {@code start}: one made there before for this shape and order, or a new one. */
	private INDArray arrayAt(long start, long[] shape, long length, char order) {
		List<INDArray> before = made.computeIfAbsent(start, s -> new ArrayList<>(2));
		for (INDArray a : before)
			if (!a.wasClosed() && a.ordering() == order && Arrays.equals(a.shape(), shape)) return a;
		long at = base + start, n = length; // not named "address": inside the class below that is Pointer's field
		FloatPointer pointer = new FloatPointer() {
			{
				this.address = at;
				this.capacity = n;
				this.limit = n;
			}
		};
		DataBuffer buffer = Nd4j.createBuffer(pointer, DataType.FLOAT, length, FloatIndexer.create(pointer));
		INDArray a = Nd4j.create(buffer, shape, Nd4j.getStrides(shape, order), 0, order);
		// a range hosts a few shapes in a training run; more means shapes that change, whose old arrays can go
		if (before.size() >= 8) before.remove(0);
		before.add(a);
		return a;
	}

	/** Whether {@code a}'s memory is in this arena. */
	public boolean owns(INDArray a) {
		if (a == null || a.isEmpty() || a.wasClosed()) return false;
		long address = a.data().address();
		return address >= base && address < base + capacity;
	}

	/**
	 * Frees {@code a}'s range now, whether or not ND4J counts other users of its buffer (for arrays handed out of a
	 * run and given back by their user). Returns false, doing nothing, for an array not from this arena.
	 */
	public boolean free(INDArray a) {
		if (!owns(a)) return false;
		freeRange(a.data().address() - base, a);
		return true;
	}

	@Override
	public void release(INDArray array) {
		if (!owns(array)) {
			fallback.release(array);
		} else if (Nd4j.getExecutioner().useCount(array.data()) > 1) {
			shared.put(array, array.data().address() - base);
		} else {
			freeRange(array.data().address() - base, array);
		}
	}

	/**
	 * Frees every range in use but those of {@code kept} and of released arrays something still shares: for the end
	 * of a run, after which only the arrays it handed out are in use. SameDiff never releases an op's output that no
	 * other op reads (the gradient of a placeholder, the data gradient of a convolution over one), which would
	 * otherwise hold its range for good (in a CycleGAN, eight images' worth per iteration).
	 */
	public void freeAllBut(Collection<INDArray> kept) {
		Set<INDArray> keep = Collections.newSetFromMap(new IdentityHashMap<>());
		keep.addAll(kept);
		keep.addAll(shared.keySet());
		for (Map.Entry<Long, INDArray> e : new ArrayList<>(owners.entrySet()))
			if (!keep.contains(e.getValue())) freeRange(e.getKey(), e.getValue());
	}

	/** Frees the ranges of released arrays that nothing shares any more. */
	private void freeUnshared() {
		for (Iterator<Map.Entry<INDArray, Long>> i = shared.entrySet().iterator(); i.hasNext();) {
			Map.Entry<INDArray, Long> e = i.next();
			INDArray a = e.getKey();
			long start = e.getValue();
			if (a.wasClosed() || Nd4j.getExecutioner().useCount(a.data()) <= 1) {
				i.remove();
				freeRange(start, a);
			}
		}
	}

	@Override
	public INDArray ulike(INDArray arr) {
		return allocate(false, arr.dataType(), arr.shape());
	}

	@Override
	public INDArray dup(INDArray arr) {
		INDArray out = ulike(arr);
		if (!arr.isEmpty()) out.assign(arr);
		return out;
	}

	/**
	 * Closes the session's own manager, and gives the reservation back unless arrays from it are still out (an
	 * output never given back): those stay valid, and their memory stays with the process.
	 */
	@Override
	public void close() {
		fallback.close();
		made.clear();
		if (used.isEmpty() && shared.isEmpty()) NativeRuntime.unmapMemory(base, capacity);
	}

	/** Bytes from the start of the reservation to the end of the highest range handed out so far. */
	long highWater() {
		return highWater;
	}

	/** Bytes in ranges handed out and not freed. */
	long inUse() {
		return used.values().stream().mapToLong(Long::longValue).sum();
	}

	/** The start of the smallest free range of at least {@code bytes} (the lowest of equals), now in use; -1 if none. */
	private long take(long bytes) {
		long[] range = freeByLength.ceiling(new long[] { -1, bytes });
		if (range == null) return -1;
		removeFree(range[0], range[1]);
		if (range[1] > bytes) addFree(range[0] + bytes, range[1] - bytes);
		used.put(range[0], bytes);
		highWater = Math.max(highWater, range[0] + bytes);
		return range[0];
	}

	/** Frees the range at {@code start} if {@code a} holds it (not if it was freed and serves another array now). */
	private void freeRange(long start, INDArray a) {
		if (owners.get(start) != a) return;
		owners.remove(start);
		Long length = used.remove(start);
		long from = start, to = start + length;
		Map.Entry<Long, Long> before = freeByStart.floorEntry(from);
		if (before != null && before.getKey() + before.getValue() == from) {
			removeFree(before.getKey(), before.getValue());
			from = before.getKey();
		}
		Long after = freeByStart.get(to);
		if (after != null) {
			removeFree(to, after);
			to += after;
		}
		addFree(from, to - from);
	}

	private void addFree(long start, long length) {
		freeByStart.put(start, length);
		freeByLength.add(new long[] { start, length });
	}

	private void removeFree(long start, long length) {
		freeByStart.remove(start);
		freeByLength.remove(new long[] { start, length });
	}
}
