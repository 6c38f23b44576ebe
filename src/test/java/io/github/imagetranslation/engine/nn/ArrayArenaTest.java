package io.github.imagetranslation.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.github.imagetranslation.engine.random.SplitMix64;

/**
 * {@link ArrayArena} hands out arrays over ranges of one reservation: ranges in use must never overlap, freed ones
 * must serve arrays of other shapes, and the smallest free range that fits is taken.
 */
class ArrayArenaTest {

	/** Floats in the smallest array the arena serves itself. */
	private static final int SMALL = (int) (ArrayArena.SMALLEST / Float.BYTES);

	@BeforeAll
	static void nativeRuntime() {
		NativeRuntime.prepare();
	}

	private static ArrayArena arena(long capacity) {
		SessionMemMgr m = ArrayArena.over(new ArrayCacheMemoryMgr(), capacity);
		Assumptions.assumeTrue(m instanceof ArrayArena, "address space can be reserved (Linux)");
		return (ArrayArena) m;
	}

	private static long address(INDArray a) {
		return a.data().address();
	}

	@Test
	void aFreedRangeServesAnArrayOfAnotherShapeAndTheSameArrayComesBackForTheSameShape() {
		ArrayArena arena = arena(64L << 20);
		INDArray a = arena.allocate(false, DataType.FLOAT, 1, 64, 32, 32);
		assertTrue(arena.owns(a));
		long at = address(a);
		arena.release(a);
		INDArray b = arena.allocate(false, DataType.FLOAT, 3, 3, 64, 64);
		assertEquals(at, address(b), "a smaller array of another shape in the freed range");
		assertEquals(3 * 3 * 64 * 64, b.length());
		arena.release(b);
		INDArray c = arena.allocate(false, DataType.FLOAT, 1, 64, 32, 32);
		assertSame(a, c, "the array made for this range and shape, handed out again");
		assertEquals(64 * 32 * 32 * 4, arena.highWater());
		arena.release(c);
		assertEquals(0, arena.inUse());
		arena.close();
	}

	@Test
	void theSmallestFreeRangeThatFitsIsTakenAndNeighboursMergeWhenFreed() {
		ArrayArena arena = arena(64L << 20);
		INDArray big = arena.allocate(false, DataType.FLOAT, 4 * SMALL), gap1 = arena.allocate(false, DataType.FLOAT, SMALL);
		INDArray mid = arena.allocate(false, DataType.FLOAT, 2 * SMALL), gap2 = arena.allocate(false, DataType.FLOAT, SMALL);
		arena.release(big);
		arena.release(mid);
		INDArray fits = arena.allocate(false, DataType.FLOAT, 2 * SMALL);
		assertEquals(address(mid), address(fits), "the 2-unit hole, not the 4-unit one");
		arena.release(fits);
		arena.release(gap1);
		// big, gap1 and mid are one free range of 7 units now
		INDArray merged = arena.allocate(false, DataType.FLOAT, 7 * SMALL);
		assertEquals(address(big), address(merged));
		assertEquals(8L * SMALL * 4, arena.highWater(), "nothing placed past the last range");
		arena.release(merged);
		arena.release(gap2);
		arena.close();
	}

	@Test
	void theEndOfARunFreesAllButTheArraysHandedOutAndALateReleaseFreesNothingElse() {
		ArrayArena arena = arena(64L << 20);
		INDArray unread = arena.allocate(false, DataType.FLOAT, SMALL), out = arena.allocate(false, DataType.FLOAT, SMALL);
		INDArray alsoUnread = arena.allocate(false, DataType.FLOAT, 2 * SMALL);
		arena.freeAllBut(List.of(out));
		assertEquals(SMALL * 4L, arena.inUse(), "only the output is in use");
		INDArray next = arena.allocate(false, DataType.FLOAT, 2, SMALL);
		assertEquals(address(alsoUnread), address(next), "the smallest free range that fits");
		INDArray first = arena.allocate(false, DataType.FLOAT, 1, SMALL);
		assertEquals(address(unread), address(first));
		arena.release(unread);
		arena.release(alsoUnread);
		assertEquals(SMALL * 4L * 4, arena.inUse(), "releasing arrays freed before frees nobody else's range");
		for (INDArray a : List.of(out, next, first))
			arena.release(a);
		assertEquals(0, arena.inUse());
		arena.close();
	}

	@Test
	void arraysInUseNeverShareMemory() {
		ArrayArena arena = arena(256L << 20);
		SplitMix64 random = new SplitMix64(3);
		List<INDArray> live = new ArrayList<>();
		List<Float> marks = new ArrayList<>();
		for (int step = 0; step < 400; step++) {
			if (!live.isEmpty() && random.nextDouble() < 0.45) {
				int i = (int) (random.nextDouble() * live.size());
				INDArray a = live.remove(i);
				float mark = marks.remove(i);
				assertEquals(mark, a.minNumber().floatValue(), "array " + mark + " overwritten");
				assertEquals(mark, a.maxNumber().floatValue(), "array " + mark + " overwritten");
				arena.release(a);
			} else {
				long n = SMALL + (long) (random.nextDouble() * 6 * SMALL);
				INDArray a = random.nextDouble() < 0.5 ? arena.allocate(false, DataType.FLOAT, n) : arena.allocate(false, DataType.FLOAT, 1, n);
				float mark = step;
				a.assign(mark);
				live.add(a);
				marks.add(mark);
			}
		}
		for (int i = 0; i < live.size(); i++) {
			assertEquals(marks.get(i), live.get(i).minNumber().floatValue());
			assertEquals(marks.get(i), live.get(i).maxNumber().floatValue());
			arena.release(live.get(i));
		}
		assertEquals(0, arena.inUse());
		arena.close();
	}

	@Test
	void smallArraysOtherTypesAndOverflowGoToTheSessionsOwnManager() {
		ArrayArena arena = arena(4L * SMALL * Float.BYTES);
		INDArray small = arena.allocate(false, DataType.FLOAT, SMALL / 2);
		INDArray doubles = arena.allocate(false, DataType.DOUBLE, SMALL);
		INDArray fits = arena.allocate(false, DataType.FLOAT, 3 * SMALL);
		INDArray over = arena.allocate(false, DataType.FLOAT, 2 * SMALL);
		assertFalse(arena.owns(small));
		assertFalse(arena.owns(doubles));
		assertTrue(arena.owns(fits));
		assertFalse(arena.owns(over), "no room left in the reservation");
		assertEquals(2 * SMALL, over.length());
		for (INDArray a : List.of(small, doubles, fits, over))
			arena.release(a);
		arena.close();
	}

	@Test
	void aRangeWhoseBufferIsStillSharedIsNotHandedOutUntilTheSharingEnds() throws InterruptedException {
		ArrayArena arena = arena(64L << 20);
		INDArray a = arena.allocate(false, DataType.FLOAT, 2, SMALL);
		INDArray view = a.getRow(1);
		view.assign(7);
		arena.release(a);
		INDArray b = arena.allocate(false, DataType.FLOAT, 2, SMALL);
		assertNotEquals(address(a), address(b), "the released array's buffer is still used by a view");
		assertEquals(7f, view.minNumber().floatValue());
		arena.release(b);
		view = null;
		// ND4J counts a view's use of the buffer until the garbage collector has taken the view
		long deadline = System.currentTimeMillis() + 20_000;
		while (Nd4j.getExecutioner().useCount(a.data()) > 1 && System.currentTimeMillis() < deadline) {
			System.gc();
			Thread.sleep(50);
		}
		Assumptions.assumeTrue(Nd4j.getExecutioner().useCount(a.data()) == 1, "the view was collected");
		INDArray c = arena.allocate(false, DataType.FLOAT, 2, SMALL);
		assertEquals(address(a), address(c), "the range is free again");
		arena.release(c);
		arena.close();
	}
}
