package io.github.imagetranslation.engine.train;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The arrays the pool hands out: taken back ones first, and each with an id no other array has. */
class OutputArrayPoolTest {

	@Test
	void reusedArraysGetIdsThatTheNextNewArrayDoesNotAlsoGet() {
		OutputArrayPool pool = new OutputArrayPool(new ArrayCacheMemoryMgr());
		INDArray cached = pool.allocate(false, DataType.FLOAT, 2, 3);
		long before = cached.getId();
		pool.release(cached);
		// SameDiff's manager reuses the released array and gives it a new id
		INDArray reused = pool.allocate(false, DataType.FLOAT, 2, 3);
		assertSame(cached, reused);
		assertNotEquals(before, reused.getId());
		assertNotEquals(reused.getId(), Nd4j.create(DataType.FLOAT, 1).getId(), "the next new array has another id");

		INDArray output = pool.allocate(false, DataType.FLOAT, 4);
		long outputId = output.getId();
		pool.giveBack(output);
		INDArray again = pool.allocate(false, DataType.FLOAT, 4);
		assertSame(output, again, "an array given back is handed out again");
		assertNotEquals(outputId, again.getId());
		assertNotEquals(again.getId(), Nd4j.create(DataType.FLOAT, 1).getId(), "the next new array has another id");
		pool.close();
	}
}
