package io.github.imagetranslation.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class NpyTest {

	@Test
	void headerAndDataMatchWhatNumpyWritesForAKnownArray() throws IOException {
		INDArray array = Nd4j.create(new float[] { 0, 1, 2, 3, 4, 5 }, new long[] { 2, 3 }, 'c');

		// numpy.save(f, numpy.arange(6, dtype='<f4').reshape(2, 3)) with numpy 2.4: 128 header bytes, then data.
		String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + " ".repeat(58) + "\n";
		ByteArrayOutputStream expected = new ByteArrayOutputStream();
		expected.write(new byte[] { (byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0 });
		expected.write(dict.getBytes(StandardCharsets.ISO_8859_1));
		expected.write(new byte[] {
				0, 0, 0, 0, /* 0.0f */ 0, 0, (byte) 0x80, 0x3f, /* 1.0f */ 0, 0, 0, 0x40, /* 2.0f */
				0, 0, 0x40, 0x40, /* 3.0f */ 0, 0, (byte) 0x80, 0x40, /* 4.0f */ 0, 0, (byte) 0xa0, 0x40 /* 5.0f */ });

		byte[] written = write(array);

		assertEquals(128 + 24, written.length);
		assertArrayEquals(expected.toByteArray(), written);
		assertEquals(written.length, Npy.encodedSize(array));
	}

	@Test
	void headersOfOtherRanksAreWrittenAsNumpyWritesThem() throws IOException {
		assertHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }" + " ".repeat(60) + "\n", Nd4j.createUninitialized(DataType.FLOAT, 5));
		assertHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (), }" + " ".repeat(62) + "\n", Nd4j.scalar(1f));
		assertHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (64, 3, 4, 4), }" + " ".repeat(51) + "\n",
				Nd4j.createUninitialized(DataType.FLOAT, 64, 3, 4, 4));
	}

	@Test
	void headerIsPaddedToAMultipleOf64ForAnyShape() {
		long[][] shapes = { {}, { 1 }, { 123456789 }, { 7, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, { 1L << 40, 3 } };
		for (long[] shape : shapes) {
			byte[] header = Npy.header(shape);
			assertEquals(0, header.length % 64, Npy.shapeText(shape));
			assertEquals(header.length - 10, (header[8] & 0xff) | (header[9] & 0xff) << 8);
			assertEquals('\n', header[header.length - 1]);
		}
	}

	@Test
	void roundTripOfManyShapesIsBitIdentical() throws IOException {
		Random random = new Random(42);
		long[][] shapes = { {}, { 1 }, { 7 }, { 2, 3 }, { 1, 1 }, { 3, 1, 5 }, { 2, 3, 4, 5 }, { 1, 2, 1, 3, 2 }, { 4, 3, 3, 3, 1, 2 } };
		for (long[] shape : shapes) {
			INDArray original = arrayOfRandomBits(random, shape);
			INDArray copy = Npy.read(new ByteArrayInputStream(write(original)));
			assertArrayEquals(shape, copy.shape(), Npy.shapeText(shape));
			assertEquals(DataType.FLOAT, copy.dataType());
			assertEquals('c', copy.ordering());
			assertArrayEquals(bits(original), bits(copy), Npy.shapeText(shape));
		}
	}

	@Test
	void specialValuesSurviveBitForBit() throws IOException {
		float[] values = { 0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE,
				Float.MAX_VALUE, Float.MIN_NORMAL, Float.intBitsToFloat(0x7fc12345), 1e-42f };
		INDArray original = Nd4j.create(values, new long[] { values.length }, 'c');
		assertArrayEquals(bits(original), bits(Npy.read(new ByteArrayInputStream(write(original)))));
	}

	@Test
	void viewsAndOtherLayoutsAreWrittenInCOrder() throws IOException {
		INDArray matrix = Nd4j.arange(12).castTo(DataType.FLOAT).reshape('c', 3, 4);
		INDArray[] arrays = { matrix.permute(1, 0), matrix.getRow(1), matrix.getColumn(2),
				Nd4j.arange(24).castTo(DataType.FLOAT).reshape('f', 2, 3, 4) };
		for (INDArray array : arrays) {
			INDArray copy = Npy.read(new ByteArrayInputStream(write(array)));
			assertArrayEquals(array.shape(), copy.shape());
			assertArrayEquals(array.dup('c').data().asFloat(), copy.data().asFloat());
		}
	}

	@Test
	void emptyArraysRoundTrip() throws IOException {
		INDArray empty = Nd4j.create(DataType.FLOAT, new long[] { 2, 0 }, 'c');
		byte[] written = write(empty);
		assertEquals(128, written.length);
		INDArray copy = Npy.read(new ByteArrayInputStream(written));
		assertArrayEquals(new long[] { 2, 0 }, copy.shape());
		assertTrue(copy.isEmpty());
	}

	@Test
	void readingStopsAtTheEndOfTheArray() throws IOException {
		ByteArrayOutputStream both = new ByteArrayOutputStream();
		Npy.write(Nd4j.create(new float[] { 1, 2 }, new long[] { 2 }, 'c'), both);
		Npy.write(Nd4j.create(new float[] { 3, 4, 5 }, new long[] { 3 }, 'c'), both);
		ByteArrayInputStream in = new ByteArrayInputStream(both.toByteArray());
		assertArrayEquals(new float[] { 1, 2 }, Npy.read(in).data().asFloat());
		assertArrayEquals(new float[] { 3, 4, 5 }, Npy.read(in).data().asFloat());
		assertEquals(-1, in.read());
	}

	@Test
	void readsHeadersWrittenByOtherNumpyVersions() throws IOException {
		byte[] data = littleEndian(1.5f, -2f);
		// Python 2 numpy wrote long sizes with an L; keys may come in any order, with either quote.
		assertArrayEquals(new float[] { 1.5f, -2f },
				Npy.read(new ByteArrayInputStream(npy(1, "{\"shape\": (1L, 2L), 'fortran_order': False, 'descr': '<f4'}\n", data))).data().asFloat());
		assertArrayEquals(new long[] { 1, 2 },
				Npy.read(new ByteArrayInputStream(npy(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2,), }\n", data))).shape());
	}

	@Test
	void rejectsOtherDataTypes() {
		for (String descr : new String[] { "<f8", ">f4", "<i8", "|u1", "<f2" }) {
			byte[] file = npy(1, "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (2,), }\n", new byte[16]);
			NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(new ByteArrayInputStream(file)));
			assertTrue(e.getMessage().contains("'" + descr + "'") && e.getMessage().contains("float32"), e.getMessage());
		}
	}

	@Test
	void rejectsFortranOrder() {
		byte[] file = npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 1), }\n", new byte[8]);
		NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(new ByteArrayInputStream(file)));
		assertTrue(e.getMessage().contains("Fortran"), e.getMessage());
	}

	@Test
	void rejectsMalformedHeaders() {
		String[] headers = { "", "{", "not a dict", "{'descr': '<f4', 'shape': (2,), }", "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}",
				"{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } extra",
				"{'descr': '<f4', 'fortran_order': false, 'shape': (2,), }", "{'descr': '<f4', 'fortran_order': False, 'shape': 2, }",
				"{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }",
				"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,), }" };
		for (String header : headers) {
			byte[] file = npy(1, header + "\n", new byte[8]);
			NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(new ByteArrayInputStream(file)), header);
			assertTrue(e.getMessage().startsWith("malformed .npy header ("), e.getMessage());
			assertTrue(!e.getMessage().contains("\n"), e.getMessage());
		}
	}

	@Test
	void rejectsWhatIsNotNpy() {
		NpyFormatException e = assertThrows(NpyFormatException.class,
				() -> Npy.read(new ByteArrayInputStream("PK\3\4 and then some".getBytes(StandardCharsets.ISO_8859_1))));
		assertTrue(e.getMessage().contains("not a .npy array"), e.getMessage());
		e = assertThrows(NpyFormatException.class, () -> Npy.read(new ByteArrayInputStream(new byte[] { (byte) 0x93, 'N' })));
		assertTrue(e.getMessage().contains("too short"), e.getMessage());
		byte[] version9 = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n", new byte[8]);
		version9[6] = 9;
		e = assertThrows(NpyFormatException.class, () -> Npy.read(new ByteArrayInputStream(version9)));
		assertTrue(e.getMessage().contains("version 9.0"), e.getMessage());
	}

	@Test
	void rejectsDataShorterThanTheShape() {
		byte[] file = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n", new byte[20]);
		NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(new ByteArrayInputStream(file)));
		assertTrue(e.getMessage().contains("shape (2, 3) needs 24 bytes of data but only 20"), e.getMessage());
	}

	@Test
	void rejectsAShapeThatDoesNotMatchAKnownLengthBeforeAllocating() {
		byte[] file = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }\n", new byte[40]);
		NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(new ByteArrayInputStream(file), file.length));
		assertTrue(e.getMessage().contains("too large"), e.getMessage());
		byte[] small = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }\n", new byte[16]);
		e = assertThrows(NpyFormatException.class, () -> Npy.read(new ByteArrayInputStream(small), small.length));
		assertTrue(e.getMessage().contains("shape (3,) needs 12 bytes of data but 16 follow the header"), e.getMessage());
	}

	@Test
	void refusesToWriteOtherDataTypes() {
		INDArray doubles = Nd4j.create(DataType.DOUBLE, 2, 2);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> write(doubles));
		assertTrue(e.getMessage().contains("DOUBLE"), e.getMessage());
	}

	static INDArray arrayOfRandomBits(Random random, long... shape) {
		long count = 1;
		for (long size : shape) count *= size;
		float[] values = new float[(int) count];
		for (int i = 0; i < values.length; i++) values[i] = Float.intBitsToFloat(random.nextInt());
		return Nd4j.create(values, shape, 'c');
	}

	static int[] bits(INDArray array) {
		float[] values = array.dup('c').data().asFloat();
		int[] bits = new int[values.length];
		for (int i = 0; i < values.length; i++) bits[i] = Float.floatToRawIntBits(values[i]);
		return bits;
	}

	private static byte[] write(INDArray array) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		Npy.write(array, out);
		return out.toByteArray();
	}

	private static void assertHeader(String expectedDict, INDArray array) throws IOException {
		byte[] written = write(array);
		int length = (written[8] & 0xff) | (written[9] & 0xff) << 8;
		assertEquals(expectedDict, new String(written, 10, length, StandardCharsets.ISO_8859_1));
	}

	/** A .npy file with a hand-written header dict (padding not needed for reading) of format 1.0 or 2.0. */
	static byte[] npy(int version, String dict, byte[] data) {
		byte[] text = dict.getBytes(StandardCharsets.ISO_8859_1);
		ByteBuffer buffer = ByteBuffer.allocate(8 + (version == 1 ? 2 : 4) + text.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
		buffer.put(new byte[] { (byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0 });
		if (version == 1) buffer.putShort((short) text.length);
		else buffer.putInt(text.length);
		return buffer.put(text).put(data).array();
	}

	static byte[] littleEndian(float... values) {
		ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
		for (float value : values) buffer.putFloat(value);
		return buffer.array();
	}
}
