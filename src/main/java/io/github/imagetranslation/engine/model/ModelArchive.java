package io.github.imagetranslation.engine.model;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import io.github.imagetranslation.engine.io.AtomicFiles;

/**
 * One model file: a zip holding {@code model.json} (the versioned description, first entry), one
 * {@code <name>.npy} entry per float32 tensor (readable with numpy) and optional extra entries. Writing is
 * atomic, so a failed save never destroys the previous file; reading checks the format, the version and the
 * checksum of every entry it reads, and reports any problem as a one-line {@link ModelFileException}.
 * Tensors are streamed between native memory and the file, never held twice.
 */
public final class ModelArchive implements Closeable {

	/** The value of {@code "format"} in {@code model.json}. */
	public static final String FORMAT = "image-translation-model";
	/** The newest {@code "format_version"} this code reads, and the one it writes. */
	public static final int FORMAT_VERSION = 1;
	/** The entry holding the description. */
	public static final String DESCRIPTION_ENTRY = "model.json";
	/** The suffix that turns a tensor name into its entry name. */
	public static final String TENSOR_SUFFIX = ".npy";

	private static final long MAX_DESCRIPTION_BYTES = 64L << 20;
	private static final long MAX_EXTRA_BYTES = Integer.MAX_VALUE - 8;
	private static final int BUFFER_BYTES = 1 << 16;

	private final Path file;
	private final ZipFile zip;
	private final String descriptionJson;
	private final int formatVersion;
	private final Map<String, ZipEntry> tensorEntries;
	private final Map<String, ZipEntry> extraEntries;

	private ModelArchive(Path file, ZipFile zip, String descriptionJson, int formatVersion,
			Map<String, ZipEntry> tensorEntries, Map<String, ZipEntry> extraEntries) {
		this.file = file;
		this.zip = zip;
		this.descriptionJson = descriptionJson;
		this.formatVersion = formatVersion;
		this.tensorEntries = tensorEntries;
		this.extraEntries = extraEntries;
	}

	/**
	 * Atomically writes a model file: {@code model.json} (deflated), then each tensor as an uncompressed
	 * {@code <name>.npy} entry in the map's order, then each extra entry (deflated). {@code descriptionJson}
	 * must be a JSON object with {@code "format": "image-translation-model"} and {@code "format_version": 1}.
	 * Tensors must be float32; names are paths such as {@code generator/G.u0.down.W} (see
	 * {@link #checkName}). If anything fails, the exception propagates and {@code file} is left as it was.
	 *
	 * @param extraEntries small extra entries such as {@code training_state.json}; may be null
	 */
	public static void write(Path file, String descriptionJson, Map<String, INDArray> tensors,
			Map<String, byte[]> extraEntries) throws IOException {
		Objects.requireNonNull(file, "file");
		Objects.requireNonNull(tensors, "tensors");
		checkDescription(descriptionJson);
		byte[] description = descriptionJson.getBytes(StandardCharsets.UTF_8);
		Map<String, byte[]> extras = extraEntries == null ? Collections.<String, byte[]>emptyMap() : extraEntries;
		AtomicFiles.write(file, out -> {
			ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(out, BUFFER_BYTES), StandardCharsets.UTF_8);
			writeDeflated(zip, DESCRIPTION_ENTRY, description);
			byte[] buffer = new byte[Npy.CHUNK_BYTES];
			for (Map.Entry<String, INDArray> tensor : tensors.entrySet())
				writeTensor(zip, tensor.getKey(), tensor.getValue(), buffer);
			for (Map.Entry<String, byte[]> extra : extras.entrySet()) {
				String name = extra.getKey();
				checkName(name, "Extra entry");
				if (name.equals(DESCRIPTION_ENTRY) || name.endsWith(TENSOR_SUFFIX))
					throw new IllegalArgumentException("Extra entry name \"" + name + "\" is reserved (" + DESCRIPTION_ENTRY
							+ " and names ending in " + TENSOR_SUFFIX + " are not allowed)");
				writeDeflated(zip, name, Objects.requireNonNull(extra.getValue(), name));
			}
			zip.close();
		});
	}

	/**
	 * Opens a model file for reading, checking that it is a model of a supported version. Tensors are read
	 * only when asked for; close the archive when done.
	 */
	public static ModelArchive open(Path file) throws ModelFileException {
		Objects.requireNonNull(file, "file");
		if (Files.isDirectory(file))
			throw new ModelFileException(file, file + " is a folder, not a model file; choose the model's .zip file");
		if (!Files.exists(file))
			throw new ModelFileException(file, file + " does not exist; check the path");
		checkZipSignature(file);
		ZipFile zip;
		try {
			zip = new ZipFile(file.toFile(), ZipFile.OPEN_READ, StandardCharsets.UTF_8);
		} catch (ZipException e) {
			throw damaged(file, "its zip directory is unreadable: " + detail(e), e);
		} catch (IOException e) {
			throw unreadable(file, e);
		}
		boolean opened = false;
		try {
			ModelArchive archive = open(file, zip);
			opened = true;
			return archive;
		} finally {
			if (!opened) closeQuietly(zip);
		}
	}

	private static ModelArchive open(Path file, ZipFile zip) throws ModelFileException {
		ZipEntry descriptionEntry = zip.getEntry(DESCRIPTION_ENTRY);
		if (descriptionEntry == null || descriptionEntry.isDirectory())
			throw notAModel(file, "no " + DESCRIPTION_ENTRY);
		if (descriptionEntry.getSize() > MAX_DESCRIPTION_BYTES)
			throw notAModel(file, DESCRIPTION_ENTRY + " is implausibly large");
		String json = new String(readEntry(file, zip, descriptionEntry), StandardCharsets.UTF_8);
		JsonObject description;
		try {
			JsonElement parsed = JsonParser.parseString(json);
			if (!parsed.isJsonObject()) throw notAModel(file, DESCRIPTION_ENTRY + " is not a JSON object");
			description = parsed.getAsJsonObject();
		} catch (JsonParseException e) {
			throw notAModel(file, DESCRIPTION_ENTRY + " is not valid JSON");
		}
		JsonElement format = description.get("format");
		if (format == null || !format.isJsonPrimitive() || !FORMAT.equals(format.getAsString()))
			throw notAModel(file, DESCRIPTION_ENTRY + " does not declare \"format\": \"" + FORMAT + "\"");
		int version = formatVersion(file, description.get("format_version"));
		if (version > FORMAT_VERSION)
			throw new ModelFileException(file, file + " was written by a newer version of Image Translation (model format "
					+ version + ", this version reads up to " + FORMAT_VERSION + "); update the plugin");

		Map<String, ZipEntry> tensors = new LinkedHashMap<>();
		Map<String, ZipEntry> extras = new LinkedHashMap<>();
		Enumeration<? extends ZipEntry> entries = zip.entries();
		while (entries.hasMoreElements()) {
			ZipEntry entry = entries.nextElement();
			String name = entry.getName();
			if (entry.isDirectory() || name.equals(DESCRIPTION_ENTRY)) continue;
			if (name.endsWith(TENSOR_SUFFIX)) tensors.put(name.substring(0, name.length() - TENSOR_SUFFIX.length()), entry);
			else extras.put(name, entry);
		}
		return new ModelArchive(file, zip, json, version, tensors, extras);
	}

	/** The file this archive was opened from. */
	public Path file() {
		return file;
	}

	/** The {@code format_version} of the file. */
	public int formatVersion() {
		return formatVersion;
	}

	/** The description exactly as stored in {@code model.json}. */
	public String descriptionJson() {
		return descriptionJson;
	}

	/** The description, parsed afresh on each call (so callers may change it freely). */
	public JsonObject description() {
		return JsonParser.parseString(descriptionJson).getAsJsonObject();
	}

	/** The names of all tensors, in file order. */
	public List<String> tensorNames() {
		return Collections.unmodifiableList(new ArrayList<>(tensorEntries.keySet()));
	}

	/** The names of all extra entries, in file order. */
	public List<String> extraNames() {
		return Collections.unmodifiableList(new ArrayList<>(extraEntries.keySet()));
	}

	/** Whether the file holds a tensor or an extra entry called {@code name}. */
	public boolean has(String name) {
		return tensorEntries.containsKey(name) || extraEntries.containsKey(name);
	}

	/** Reads the tensor called {@code name} into a new float32 C-order array. */
	public INDArray tensor(String name) throws ModelFileException {
		ZipEntry entry = tensorEntries.get(name);
		if (entry == null)
			throw new ModelFileException(file, file + " is incomplete (it has no tensor \"" + name + "\"); re-save or re-train the model");
		try (InputStream raw = zip.getInputStream(entry)) {
			CheckedInputStream in = new CheckedInputStream(new BufferedInputStream(raw, BUFFER_BYTES), new CRC32());
			INDArray array;
			try {
				array = Npy.read(in, entry.getSize());
			} catch (NpyFormatException e) {
				drain(in);
				checkCrc(in, entry);
				throw new ModelFileException(file, file + " has an unreadable tensor \"" + name + "\" (" + e.getMessage()
						+ "); re-save or re-train the model");
			}
			boolean valid = false;
			try {
				long trailing = drain(in);
				checkCrc(in, entry);
				if (trailing > 0)
					throw new ModelFileException(file, file + " has an unreadable tensor \"" + name + "\" (" + trailing
							+ " unexpected bytes after its data); re-save or re-train the model");
				valid = true;
				return array;
			} finally {
				if (!valid && array.closeable()) array.close();
			}
		} catch (ModelFileException e) {
			throw e;
		} catch (ZipException | EOFException e) {
			throw damaged(file, "tensor \"" + name + "\": " + detail(e), e);
		} catch (IOException e) {
			throw unreadable(file, e);
		}
	}

	/**
	 * Reads every tensor whose name starts with {@code prefix}, keyed by the rest of its name: with tensors
	 * {@code generator/a} and {@code generator/b}, {@code tensors("generator/")} has keys {@code a} and {@code b}.
	 */
	public Map<String, INDArray> tensors(String prefix) throws ModelFileException {
		Map<String, INDArray> result = new LinkedHashMap<>();
		boolean complete = false;
		try {
			for (String name : tensorEntries.keySet())
				if (name.startsWith(prefix)) result.put(name.substring(prefix.length()), tensor(name));
			complete = true;
			return result;
		} finally {
			if (!complete)
				for (INDArray array : result.values())
					if (array.closeable()) array.close();
		}
	}

	/** The bytes of the extra entry called {@code name}. */
	public byte[] extra(String name) throws ModelFileException {
		ZipEntry entry = extraEntries.get(name);
		if (entry == null)
			throw new ModelFileException(file, file + " is incomplete (it has no entry \"" + name + "\"); re-save or re-train the model");
		if (entry.getSize() > MAX_EXTRA_BYTES)
			throw damaged(file, "entry \"" + name + "\" claims " + entry.getSize() + " bytes", null);
		return readEntry(file, zip, entry);
	}

	@Override
	public void close() throws IOException {
		zip.close();
	}

	/**
	 * Checks that {@code name} can name a tensor or an extra entry: not empty, no backslash, colon or control
	 * character, no leading or trailing slash, and no empty, {@code .} or {@code ..} path segment.
	 *
	 * @throws IllegalArgumentException if it cannot
	 */
	public static void checkName(String name, String what) {
		if (name == null || name.isEmpty()) throw new IllegalArgumentException(what + " name is empty");
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (c == '\\' || c == ':' || c < 0x20 || c == 0x7f)
				throw new IllegalArgumentException(what + " name \"" + name + "\" contains a backslash, colon or control character");
		}
		for (String segment : name.split("/", -1))
			if (segment.isEmpty() || segment.equals(".") || segment.equals(".."))
				throw new IllegalArgumentException(what + " name \"" + name
						+ "\" must be a relative path without empty, '.' or '..' segments");
	}

	private static void checkDescription(String json) {
		Objects.requireNonNull(json, "descriptionJson");
		JsonObject description;
		try {
			JsonElement parsed = JsonParser.parseString(json);
			if (!parsed.isJsonObject()) throw new IllegalArgumentException("The model description must be a JSON object");
			description = parsed.getAsJsonObject();
		} catch (JsonParseException e) {
			throw new IllegalArgumentException("The model description is not valid JSON: " + e.getMessage(), e);
		}
		JsonElement format = description.get("format");
		JsonElement version = description.get("format_version");
		if (format == null || !format.isJsonPrimitive() || !FORMAT.equals(format.getAsString())
				|| version == null || !version.isJsonPrimitive() || !((JsonPrimitive) version).isNumber()
				|| version.getAsBigDecimal().compareTo(BigDecimal.valueOf(FORMAT_VERSION)) != 0)
			throw new IllegalArgumentException("The model description must contain \"format\": \"" + FORMAT
					+ "\" and \"format_version\": " + FORMAT_VERSION);
	}

	private static int formatVersion(Path file, JsonElement element) throws ModelFileException {
		if (element != null && element.isJsonPrimitive() && ((JsonPrimitive) element).isNumber()) {
			BigDecimal value = element.getAsBigDecimal();
			if (value.signum() > 0 && value.stripTrailingZeros().scale() <= 0) {
				try {
					return value.intValueExact();
				} catch (ArithmeticException e) {
					return Integer.MAX_VALUE;
				}
			}
		}
		throw notAModel(file, DESCRIPTION_ENTRY + " has no valid \"format_version\"");
	}

	private static void writeTensor(ZipOutputStream zip, String name, INDArray array, byte[] buffer) throws IOException {
		checkName(name, "Tensor");
		Objects.requireNonNull(array, name);
		if (array.dataType() != DataType.FLOAT)
			throw new IllegalArgumentException("Tensor " + name + " is " + array.dataType() + "; model files hold float32 tensors");
		Npy.Encoded encoded = Npy.encode(array);
		// A stored entry needs its checksum up front: one pass over native memory, without copying.
		CRC32 crc = new CRC32();
		encoded.update(crc, buffer);
		ZipEntry entry = new ZipEntry(name + TENSOR_SUFFIX);
		entry.setMethod(ZipEntry.STORED);
		entry.setSize(encoded.size());
		entry.setCompressedSize(encoded.size());
		entry.setCrc(crc.getValue());
		zip.putNextEntry(entry);
		encoded.writeTo(zip, buffer);
		zip.closeEntry();
	}

	private static void writeDeflated(ZipOutputStream zip, String name, byte[] content) throws IOException {
		ZipEntry entry = new ZipEntry(name);
		entry.setMethod(ZipEntry.DEFLATED);
		zip.putNextEntry(entry);
		zip.write(content);
		zip.closeEntry();
	}

	/** Reads a whole (small) entry, checking its length and checksum. */
	private static byte[] readEntry(Path file, ZipFile zip, ZipEntry entry) throws ModelFileException {
		try (InputStream raw = zip.getInputStream(entry)) {
			CheckedInputStream in = new CheckedInputStream(raw, new CRC32());
			byte[] content = in.readAllBytes();
			checkCrc(in, entry);
			if (entry.getSize() >= 0 && content.length != entry.getSize())
				throw damaged(file, "entry \"" + entry.getName() + "\" has " + content.length + " bytes instead of " + entry.getSize(), null);
			return content;
		} catch (ModelFileException e) {
			throw e;
		} catch (ZipException | EOFException e) {
			throw damaged(file, "entry \"" + entry.getName() + "\": " + detail(e), e);
		} catch (IOException e) {
			throw unreadable(file, e);
		}
	}

	private static long drain(InputStream in) throws IOException {
		byte[] buffer = new byte[8192];
		long total = 0;
		for (int n; (n = in.read(buffer)) >= 0;) total += n;
		return total;
	}

	/** Throws if what was read through {@code in} (to its end) does not match the entry's recorded CRC-32. */
	private static void checkCrc(CheckedInputStream in, ZipEntry entry) throws ZipException {
		if (entry.getCrc() != -1 && in.getChecksum().getValue() != entry.getCrc())
			throw new ZipException("checksum mismatch");
	}

	/** Tells a zip file (even an empty or truncated one) from anything else by its first four bytes. */
	private static void checkZipSignature(Path file) throws ModelFileException {
		byte[] signature = new byte[4];
		int n;
		try (InputStream in = Files.newInputStream(file)) {
			n = Npy.readFully(in, signature, 4);
		} catch (IOException e) {
			throw unreadable(file, e);
		}
		if (n == 0) throw notAModel(file, "not a zip archive: the file is empty");
		boolean zip = n == 4 && signature[0] == 'P' && signature[1] == 'K'
				&& ((signature[2] == 3 && signature[3] == 4) || (signature[2] == 5 && signature[3] == 6));
		if (!zip) throw notAModel(file, "not a zip archive");
	}

	private static ModelFileException notAModel(Path file, String problem) {
		return new ModelFileException(file, file + " is not an Image Translation model file (" + problem
				+ "); choose a model saved by Image Translation");
	}

	private static ModelFileException damaged(Path file, String problem, Throwable cause) {
		return new ModelFileException(file, file + " is damaged or truncated (" + problem + "); re-save or re-train the model", cause);
	}

	private static ModelFileException unreadable(Path file, IOException e) {
		String problem = e instanceof AccessDeniedException ? "permission denied" : detail(e);
		return new ModelFileException(file, file + " cannot be read (" + problem + "); check that the file is accessible", e);
	}

	/** An exception's message on one line. */
	private static String detail(Exception e) {
		String message = e.getMessage();
		if (message == null || message.trim().isEmpty()) return e.getClass().getSimpleName();
		return message.trim().replaceAll("\\s+", " ");
	}

	private static void closeQuietly(ZipFile zip) {
		try {
			zip.close();
		} catch (IOException ignored) {
			// The open already failed; that failure is the one to report.
		}
	}
}
