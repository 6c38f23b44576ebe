package io.github.imagetranslation.engine.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Checksum;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads and writes float32 arrays as NumPy {@code .npy} data (format 1.0, little-endian, C order), so that
 * model weights open with {@code numpy.load} anywhere; the bytes written are those {@code numpy.save} writes
 * for the same array. Data moves between an array's native memory and the stream in chunks of at most
 * {@value #CHUNK_BYTES} bytes, so no second full-size copy of a tensor is ever made.
 */
public final class Npy {

	/** The dtype descriptor of little-endian float32, the only data type read and written. */
	public static final String FLOAT32 = "<f4";

	/** The most data bytes one array may have (Java buffers address at most 2 GiB). */
	public static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 7;

	static final int CHUNK_BYTES = 1 << 20;

	private static final byte[] MAGIC = { (byte) 0x93, 'N', 'U', 'M', 'P', 'Y' };
	private static final int ALIGNMENT = 64;
	/** numpy leaves room for the first axis to grow to this many digits without rewriting the file. */
	private static final int GROWTH_AXIS_MAX_DIGITS = 21;
	private static final int MAX_HEADER_BYTES = 1 << 20;
	private static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

	private Npy() {}

	/** Writes {@code array} (float32, any rank and layout) to {@code out} as one .npy array. */
	public static void write(INDArray array, OutputStream out) throws IOException {
		Encoded encoded = encode(array);
		encoded.writeTo(out, new byte[(int) Math.min(CHUNK_BYTES, Math.max(encoded.dataBytes, 1))]);
	}

	/** The number of bytes {@link #write} produces for {@code array}. */
	public static long encodedSize(INDArray array) {
		return header(array.shape()).length + dataBytes(array);
	}

	/**
	 * Reads one .npy array from {@code in} into a new float32 C-order array. Reads exactly the array's bytes
	 * and nothing after them.
	 */
	public static INDArray read(InputStream in) throws IOException {
		return read(in, -1);
	}

	/**
	 * Reads one .npy array that is known to occupy exactly {@code length} bytes (-1 if unknown), so that a
	 * shape that does not match the length is reported before any memory is allocated.
	 */
	public static INDArray read(InputStream in, long length) throws IOException {
		byte[] prefix = new byte[MAGIC.length + 2];
		if (readFully(in, prefix, prefix.length) < prefix.length)
			throw new NpyFormatException("too short to be a .npy array");
		for (int i = 0; i < MAGIC.length; i++)
			if (prefix[i] != MAGIC[i])
				throw new NpyFormatException("not a .npy array (no \\x93NUMPY magic bytes)");
		int major = prefix[6] & 0xff;
		int minor = prefix[7] & 0xff;
		if (major < 1 || major > 3 || minor != 0)
			throw new NpyFormatException("unsupported .npy format version " + major + "." + minor);
		int lengthBytes = major == 1 ? 2 : 4;
		byte[] lengthField = new byte[lengthBytes];
		if (readFully(in, lengthField, lengthBytes) < lengthBytes)
			throw new NpyFormatException("the .npy header is cut off");
		long headerLength = 0;
		for (int i = lengthBytes - 1; i >= 0; i--)
			headerLength = headerLength << 8 | (lengthField[i] & 0xff);
		if (headerLength > MAX_HEADER_BYTES)
			throw new NpyFormatException("the .npy header claims " + headerLength + " bytes, which is implausibly large");
		byte[] headerBytes = new byte[(int) headerLength];
		if (readFully(in, headerBytes, headerBytes.length) < headerBytes.length)
			throw new NpyFormatException("the .npy header is cut off");
		String headerText = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

		Map<String, Object> header = new HeaderParser(headerText).parse();
		Object descr = header.get("descr");
		if (!FLOAT32.equals(descr))
			throw new NpyFormatException("data type " + HeaderParser.describe(descr) + " is not supported; only float32 ('" + FLOAT32 + "') is");
		if (!Boolean.FALSE.equals(header.get("fortran_order")))
			throw new NpyFormatException("Fortran-ordered .npy arrays are not supported; save the array in C order");
		long[] shape = (long[]) header.get("shape");
		long count = 1;
		for (long size : shape) {
			try {
				count = Math.multiplyExact(count, size);
			} catch (ArithmeticException e) {
				throw new NpyFormatException("shape " + shapeText(shape) + " is too large");
			}
		}
		if (count > MAX_DATA_BYTES / Float.BYTES)
			throw new NpyFormatException("shape " + shapeText(shape) + " is too large (arrays over 2 GiB are not supported)");
		long dataBytes = count * Float.BYTES;
		long headerEnd = prefix.length + lengthBytes + headerLength;
		if (length >= 0 && headerEnd + dataBytes != length)
			throw new NpyFormatException("shape " + shapeText(shape) + " needs " + dataBytes + " bytes of data but "
					+ Math.max(0, length - headerEnd) + " follow the header");

		INDArray array;
		try (MemoryWorkspace outside = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
			array = count == 0 ? Nd4j.create(DataType.FLOAT, shape, 'c') : Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
		}
		if (count == 0) return array;
		boolean complete = false;
		try {
			ByteBuffer target = nativeBytes(array, dataBytes);
			byte[] chunk = new byte[(int) Math.min(CHUNK_BYTES, dataBytes)];
			while (target.hasRemaining()) {
				int wanted = Math.min(chunk.length, target.remaining());
				int got = readFully(in, chunk, wanted);
				if (!NATIVE_LITTLE_ENDIAN) swapFloatBytes(chunk, got - got % Float.BYTES);
				target.put(chunk, 0, got);
				if (got < wanted)
					throw new NpyFormatException("shape " + shapeText(shape) + " needs " + dataBytes + " bytes of data but only "
							+ target.position() + " follow the header");
			}
			complete = true;
			return array;
		} finally {
			if (!complete && array.closeable()) array.close();
		}
	}

	/** {@code array} checked and laid out for writing: its header and its data as one contiguous C-order buffer. */
	static Encoded encode(INDArray array) {
		if (array.dataType() != DataType.FLOAT)
			throw new IllegalArgumentException("Only float32 arrays can be written as .npy, not " + array.dataType());
		long dataBytes = dataBytes(array);
		if (dataBytes > MAX_DATA_BYTES)
			throw new IllegalArgumentException("Array of shape " + shapeText(array.shape()) + " is too large for one .npy entry (over 2 GiB)");
		INDArray data = dataBytes == 0 || isContiguousC(array) ? array : array.dup('c');
		return new Encoded(header(array.shape()), data, dataBytes);
	}

	/** The header numpy writes for a little-endian float32 C-order array of this shape, magic bytes included. */
	static byte[] header(long[] shape) {
		StringBuilder dict = new StringBuilder("{'descr': '").append(FLOAT32).append("', 'fortran_order': False, 'shape': ")
				.append(shapeText(shape)).append(", }");
		if (shape.length > 0)
			for (int i = Long.toString(shape[0]).length(); i < GROWTH_AXIS_MAX_DIGITS; i++) dict.append(' ');
		int prefixBytes = MAGIC.length + 2 + 2;
		int withNewline = dict.length() + 1;
		// Like numpy, pads by a full 64 bytes when the header is already aligned.
		int padding = ALIGNMENT - (prefixBytes + withNewline) % ALIGNMENT;
		for (int i = 0; i < padding; i++) dict.append(' ');
		dict.append('\n');
		if (dict.length() > 0xffff)
			throw new IllegalArgumentException("Array of rank " + shape.length + " has too long a .npy header");
		byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
		byte[] header = new byte[prefixBytes + text.length];
		System.arraycopy(MAGIC, 0, header, 0, MAGIC.length);
		header[6] = 1;
		header[7] = 0;
		header[8] = (byte) text.length;
		header[9] = (byte) (text.length >>> 8);
		System.arraycopy(text, 0, header, prefixBytes, text.length);
		return header;
	}

	/** A shape as Python writes a tuple: {@code ()}, {@code (5,)}, {@code (2, 3)}. */
	static String shapeText(long[] shape) {
		StringBuilder text = new StringBuilder("(");
		for (int i = 0; i < shape.length; i++) {
			if (i > 0) text.append(", ");
			text.append(shape[i]);
		}
		if (shape.length == 1) text.append(',');
		return text.append(')').toString();
	}

	private static long dataBytes(INDArray array) {
		return array.isEmpty() ? 0 : array.length() * Float.BYTES;
	}

	private static boolean isContiguousC(INDArray array) {
		return !array.isView() && array.offset() == 0 && (array.ordering() == 'c' || array.rank() <= 1)
				&& Shape.hasDefaultStridesForShape(array) && array.data().length() == array.length();
	}

	/** The array's data as a byte view of its native memory, positioned at 0 with {@code bytes} remaining. */
	private static ByteBuffer nativeBytes(INDArray array, long bytes) {
		ByteBuffer buffer = array.data().asNio();
		if (buffer.capacity() < bytes)
			throw new IllegalStateException("ND4J buffer holds " + buffer.capacity() + " bytes, expected " + bytes);
		buffer.position(0).limit((int) bytes);
		return buffer;
	}

	private static void swapFloatBytes(byte[] bytes, int length) {
		for (int i = 0; i < length; i += 4) {
			byte b0 = bytes[i];
			byte b1 = bytes[i + 1];
			bytes[i] = bytes[i + 3];
			bytes[i + 1] = bytes[i + 2];
			bytes[i + 2] = b1;
			bytes[i + 3] = b0;
		}
	}

	/** Reads until {@code length} bytes or the end of the stream; returns how many were read. */
	static int readFully(InputStream in, byte[] buffer, int length) throws IOException {
		int total = 0;
		while (total < length) {
			int n = in.read(buffer, total, length - total);
			if (n < 0) break;
			total += n;
		}
		return total;
	}

	/** An array ready to be written: the .npy header and a contiguous C-order array holding the data. */
	static final class Encoded {
		final byte[] header;
		final INDArray data;
		final long dataBytes;

		Encoded(byte[] header, INDArray data, long dataBytes) {
			this.header = header;
			this.data = data;
			this.dataBytes = dataBytes;
		}

		long size() {
			return header.length + dataBytes;
		}

		/** Adds the bytes {@link #writeTo} writes to {@code checksum}, reading native memory in place where possible. */
		void update(Checksum checksum, byte[] buffer) {
			checksum.update(header, 0, header.length);
			if (dataBytes == 0) return;
			ByteBuffer source = nativeBytes(data, dataBytes);
			if (NATIVE_LITTLE_ENDIAN) {
				checksum.update(source);
				return;
			}
			while (source.hasRemaining()) {
				int n = Math.min(buffer.length, source.remaining());
				source.get(buffer, 0, n);
				swapFloatBytes(buffer, n);
				checksum.update(buffer, 0, n);
			}
		}

		void writeTo(OutputStream out, byte[] buffer) throws IOException {
			out.write(header);
			if (dataBytes == 0) return;
			ByteBuffer source = nativeBytes(data, dataBytes);
			while (source.hasRemaining()) {
				int n = Math.min(buffer.length, source.remaining());
				source.get(buffer, 0, n);
				if (!NATIVE_LITTLE_ENDIAN) swapFloatBytes(buffer, n);
				out.write(buffer, 0, n);
			}
		}
	}

	/**
	 * Parses the Python dict literal of a .npy header, e.g.
	 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}, into String, Boolean and long[] values.
	 */
	private static final class HeaderParser {
		private final String text;
		private int pos;

		HeaderParser(String text) {
			this.text = text;
		}

		Map<String, Object> parse() throws NpyFormatException {
			Map<String, Object> dict = new LinkedHashMap<>();
			skipSpace();
			expect('{');
			while (true) {
				skipSpace();
				if (peek() == '}') break;
				String key = string();
				skipSpace();
				expect(':');
				skipSpace();
				if (dict.put(key, value()) != null) throw malformed("key '" + key + "' appears twice");
				skipSpace();
				if (peek() == ',') {
					pos++;
					continue;
				}
				if (peek() != '}') throw malformed("expected ',' or '}' at position " + pos);
			}
			pos++;
			skipSpace();
			if (pos != text.length()) throw malformed("unexpected text after the closing '}'");
			if (dict.size() != 3 || !dict.containsKey("descr") || !dict.containsKey("fortran_order") || !dict.containsKey("shape"))
				throw malformed("expected exactly the keys 'descr', 'fortran_order' and 'shape', found " + dict.keySet());
			if (!(dict.get("descr") instanceof String)) throw malformed("'descr' is not a string");
			if (!(dict.get("fortran_order") instanceof Boolean)) throw malformed("'fortran_order' is not True or False");
			if (!(dict.get("shape") instanceof long[])) throw malformed("'shape' is not a tuple of sizes");
			return dict;
		}

		static String describe(Object descr) {
			return descr instanceof String ? "'" + descr + "'" : String.valueOf(descr);
		}

		private Object value() throws NpyFormatException {
			char c = peek();
			if (c == '\'' || c == '"') return string();
			if (c == '(') return tuple();
			if (text.startsWith("True", pos)) {
				pos += 4;
				return Boolean.TRUE;
			}
			if (text.startsWith("False", pos)) {
				pos += 5;
				return Boolean.FALSE;
			}
			throw malformed("unexpected value at position " + pos);
		}

		private String string() throws NpyFormatException {
			char quote = peek();
			if (quote != '\'' && quote != '"') throw malformed("expected a quoted key at position " + pos);
			int end = text.indexOf(quote, pos + 1);
			if (end < 0) throw malformed("unterminated string");
			String value = text.substring(pos + 1, end);
			pos = end + 1;
			return value;
		}

		private long[] tuple() throws NpyFormatException {
			expect('(');
			List<Long> sizes = new ArrayList<>();
			while (true) {
				skipSpace();
				if (peek() == ')') break;
				sizes.add(size());
				skipSpace();
				if (peek() == ',') {
					pos++;
					continue;
				}
				if (peek() != ')') throw malformed("expected ',' or ')' in the shape at position " + pos);
			}
			pos++;
			long[] shape = new long[sizes.size()];
			for (int i = 0; i < shape.length; i++) shape[i] = sizes.get(i);
			return shape;
		}

		private long size() throws NpyFormatException {
			int start = pos;
			while (pos < text.length() && Character.isDigit(text.charAt(pos)) && text.charAt(pos) < 128) pos++;
			if (pos == start) throw malformed("expected a non-negative size in the shape at position " + start);
			long value;
			try {
				value = Long.parseLong(text.substring(start, pos));
			} catch (NumberFormatException e) {
				throw malformed("shape size " + text.substring(start, pos) + " is too large");
			}
			if (pos < text.length() && text.charAt(pos) == 'L') pos++;
			return value;
		}

		private void expect(char c) throws NpyFormatException {
			if (peek() != c) throw malformed("expected '" + c + "' at position " + pos);
			pos++;
		}

		private char peek() throws NpyFormatException {
			if (pos >= text.length()) throw malformed("the header ends too early");
			return text.charAt(pos);
		}

		private void skipSpace() {
			while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
		}

		private NpyFormatException malformed(String problem) {
			return new NpyFormatException("malformed .npy header (" + problem + ")");
		}
	}
}
