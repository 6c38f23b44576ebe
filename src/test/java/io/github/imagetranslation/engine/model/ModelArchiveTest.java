package io.github.imagetranslation.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import com.google.gson.JsonObject;

class ModelArchiveTest {

	private static final String DESCRIPTION = "{\"format\": \"image-translation-model\", \"format_version\": 1,\n  \"architecture\": {\"generator\": \"unet_128\", \"ngf\": 64}}";

	@TempDir
	Path dir;

	@Test
	void roundTripKeepsDescriptionTensorsAndExtras() throws IOException {
		Map<String, INDArray> tensors = sampleTensors();
		Map<String, byte[]> extras = new LinkedHashMap<>();
		extras.put("training_state.json", "{\"epoch\": 3}".getBytes(StandardCharsets.UTF_8));
		extras.put("notes/log.bin", new byte[] { 0, 1, 2, (byte) 255 });
		Path file = dir.resolve("model.zip");

		ModelArchive.write(file, DESCRIPTION, tensors, extras);

		try (ModelArchive archive = ModelArchive.open(file)) {
			assertEquals(DESCRIPTION, archive.descriptionJson());
			JsonObject description = archive.description();
			assertEquals("unet_128", description.getAsJsonObject("architecture").get("generator").getAsString());
			assertEquals(1, archive.formatVersion());
			assertEquals(new ArrayList<>(tensors.keySet()), archive.tensorNames());
			assertEquals(new ArrayList<>(extras.keySet()), archive.extraNames());
			for (Map.Entry<String, INDArray> tensor : tensors.entrySet()) {
				INDArray copy = archive.tensor(tensor.getKey());
				assertArrayEquals(tensor.getValue().shape(), copy.shape(), tensor.getKey());
				assertArrayEquals(NpyTest.bits(tensor.getValue()), NpyTest.bits(copy), tensor.getKey());
			}
			Map<String, INDArray> generator = archive.tensors("generator/");
			assertEquals(Arrays.asList("G.u0.down.W", "G.u0.down.b", "G.scale"), new ArrayList<>(generator.keySet()));
			assertArrayEquals(NpyTest.bits(tensors.get("generator/G.u0.down.b")), NpyTest.bits(generator.get("G.u0.down.b")));
			assertEquals(tensors.size(), archive.tensors("").size());
			assertTrue(archive.tensors("nothing/").isEmpty());
			assertArrayEquals(extras.get("training_state.json"), archive.extra("training_state.json"));
			assertArrayEquals(extras.get("notes/log.bin"), archive.extra("notes/log.bin"));
			assertTrue(archive.has("generator/G.u0.down.W"));
			assertTrue(archive.has("training_state.json"));
			assertFalse(archive.has("generator/G.u0.down.W.npy"));
			assertFalse(archive.has("model.json"));
			assertFalse(archive.has("discriminator/D.c9.W"));
		}
	}

	@Test
	void layoutIsDescriptionFirstThenStoredNpyEntriesThenExtras() throws IOException {
		Map<String, INDArray> tensors = sampleTensors();
		Path file = dir.resolve("model.zip");
		ModelArchive.write(file, DESCRIPTION, tensors, Collections.singletonMap("training_state.json", new byte[] { '{', '}' }));

		try (ZipFile zip = new ZipFile(file.toFile())) {
			List<? extends ZipEntry> entries = Collections.list(zip.entries());
			List<String> expectedNames = new ArrayList<>();
			expectedNames.add("model.json");
			for (String name : tensors.keySet()) expectedNames.add(name + ".npy");
			expectedNames.add("training_state.json");
			assertEquals(expectedNames, entries.stream().map(ZipEntry::getName).collect(Collectors.toList()));
			assertEquals(ZipEntry.DEFLATED, entries.get(0).getMethod());
			assertEquals(ZipEntry.DEFLATED, entries.get(entries.size() - 1).getMethod());
			for (String name : tensors.keySet()) {
				ZipEntry entry = zip.getEntry(name + ".npy");
				assertEquals(ZipEntry.STORED, entry.getMethod());
				ByteArrayOutputStream expected = new ByteArrayOutputStream();
				Npy.write(tensors.get(name), expected);
				byte[] stored = zip.getInputStream(entry).readAllBytes();
				assertArrayEquals(expected.toByteArray(), stored, name);
				CRC32 crc = new CRC32();
				crc.update(stored);
				assertEquals(crc.getValue(), entry.getCrc());
			}
			assertEquals(DESCRIPTION, new String(zip.getInputStream(entries.get(0)).readAllBytes(), StandardCharsets.UTF_8));
		}
	}

	@Test
	void largeTensorStreamsThroughTheFile() throws IOException {
		INDArray large = Nd4j.rand(DataType.FLOAT, 4, 1024, 1024).subi(0.5).muli(0.04);
		Path file = dir.resolve("large.zip");
		ModelArchive.write(file, DESCRIPTION, Collections.singletonMap("generator/big", large), null);
		long overhead = Files.size(file) - Npy.encodedSize(large);
		assertTrue(overhead > 0 && overhead < 1024, "zip overhead " + overhead);
		try (ModelArchive archive = ModelArchive.open(file)) {
			INDArray copy = archive.tensor("generator/big");
			assertArrayEquals(large.shape(), copy.shape());
			assertArrayEquals(large.data().asFloat(), copy.data().asFloat());
		}
	}

	@Test
	void readsDeflatedTensorEntriesAsNumpySavezCompressedWritesThem() throws IOException {
		INDArray array = NpyTest.arrayOfRandomBits(new Random(1), 3, 5);
		Map<String, byte[]> entries = new LinkedHashMap<>();
		entries.put("model.json", DESCRIPTION.getBytes(StandardCharsets.UTF_8));
		entries.put("generator/w.npy", npyBytes(array));
		Path file = dir.resolve("deflated.zip");
		writeZip(file, entries, ZipEntry.DEFLATED);
		try (ModelArchive archive = ModelArchive.open(file)) {
			assertArrayEquals(NpyTest.bits(array), NpyTest.bits(archive.tensor("generator/w")));
		}
	}

	@Test
	void modelWithoutTensors() throws IOException {
		Path file = dir.resolve("empty-model.zip");
		ModelArchive.write(file, DESCRIPTION, Collections.emptyMap(), null);
		try (ModelArchive archive = ModelArchive.open(file)) {
			assertEquals(DESCRIPTION, archive.descriptionJson());
			assertTrue(archive.tensorNames().isEmpty());
			assertTrue(archive.extraNames().isEmpty());
		}
	}

	@Test
	void writingOverAnExistingModelReplacesIt() throws IOException {
		Path file = dir.resolve("model.zip");
		ModelArchive.write(file, DESCRIPTION, sampleTensors(), null);
		INDArray replacement = Nd4j.create(new float[] { 7, 8, 9 }, new long[] { 3 }, 'c');
		ModelArchive.write(file, DESCRIPTION, Collections.singletonMap("generator/only", replacement), null);
		try (ModelArchive archive = ModelArchive.open(file)) {
			assertEquals(Collections.singletonList("generator/only"), archive.tensorNames());
			assertArrayEquals(new float[] { 7, 8, 9 }, archive.tensor("generator/only").data().asFloat());
		}
		assertEquals(Collections.singletonList("model.zip"), filesIn(dir));
	}

	@Test
	void failedWritesLeaveThePreviousModelUntouched() throws IOException {
		Path file = dir.resolve("model.zip");
		ModelArchive.write(file, DESCRIPTION, sampleTensors(), null);
		byte[] before = Files.readAllBytes(file);

		Map<String, INDArray> failingIteration = new FailingMap(sampleTensors(), 2);
		assertThrows(IllegalStateException.class, () -> ModelArchive.write(file, DESCRIPTION, failingIteration, null));
		assertUnchanged(file, before);

		Map<String, INDArray> withDoubles = sampleTensors();
		withDoubles.put("generator/doubles", Nd4j.create(DataType.DOUBLE, 4, 4));
		withDoubles.put("generator/after", Nd4j.create(DataType.FLOAT, 2));
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelArchive.write(file, DESCRIPTION, withDoubles, null));
		assertTrue(e.getMessage().contains("generator/doubles"), e.getMessage());
		assertUnchanged(file, before);

		Map<String, INDArray> badName = sampleTensors();
		badName.put("../escape", Nd4j.create(DataType.FLOAT, 2));
		assertThrows(IllegalArgumentException.class, () -> ModelArchive.write(file, DESCRIPTION, badName, null));
		assertUnchanged(file, before);

		Map<String, byte[]> reservedExtra = Collections.singletonMap("model.json", new byte[1]);
		assertThrows(IllegalArgumentException.class, () -> ModelArchive.write(file, DESCRIPTION, sampleTensors(), reservedExtra));
		assertUnchanged(file, before);
	}

	@Test
	void aFailedFirstWriteLeavesNoFile() {
		Path file = dir.resolve("new.zip");
		assertThrows(IllegalStateException.class, () -> ModelArchive.write(file, DESCRIPTION, new FailingMap(sampleTensors(), 1), null));
		assertFalse(Files.exists(file));
		assertEquals(Collections.emptyList(), filesIn(dir));
	}

	@Test
	void descriptionMustDeclareFormatAndVersion() {
		Path file = dir.resolve("model.zip");
		for (String description : new String[] { "{}", "[]", "not json {", "{\"format\": \"image-translation-model\"}",
				"{\"format\": \"other\", \"format_version\": 1}", "{\"format\": \"image-translation-model\", \"format_version\": 2}",
				"{\"format\": \"image-translation-model\", \"format_version\": \"1\"}" }) {
			assertThrows(IllegalArgumentException.class, () -> ModelArchive.write(file, description, sampleTensors(), null), description);
		}
		assertFalse(Files.exists(file));
		assertEquals(Collections.emptyList(), filesIn(dir));
	}

	@Test
	void namesAreChecked() {
		for (String bad : new String[] { "", "/abs", "a/../b", "..", "a/./b", "a//b", "a/", "a\\b", "c:x", "tab\there" })
			assertThrows(IllegalArgumentException.class, () -> ModelArchive.checkName(bad, "Tensor"), bad);
		for (String good : new String[] { "generator/G.u0.down.W", "a", "x.y.z", "d/D.c0.W", "pool/A/17", "a..b" })
			ModelArchive.checkName(good, "Tensor");
		Map<String, byte[]> npyExtra = Collections.singletonMap("state.npy", new byte[1]);
		assertThrows(IllegalArgumentException.class, () -> ModelArchive.write(dir.resolve("m.zip"), DESCRIPTION, sampleTensors(), npyExtra));
	}

	// ---- bad files ----

	@Test
	void missingFile() {
		assertProblem(dir.resolve("model.zip"), "model.zip does not exist");
	}

	@Test
	void folder() throws IOException {
		Path folder = Files.createDirectory(dir.resolve("models.zip"));
		assertProblem(folder, "models.zip is a folder");
	}

	@Test
	void filesThatAreNotZipArchives() throws IOException {
		Path png = dir.resolve("picture.zip");
		Files.write(png, new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' });
		assertProblem(png, "picture.zip is not an Image Translation model file (not a zip archive)");
		Path text = Files.write(dir.resolve("notes.zip"), "just some text\n".getBytes(StandardCharsets.UTF_8));
		assertProblem(text, "notes.zip is not an Image Translation model file (not a zip archive)");
		Path empty = Files.write(dir.resolve("empty.zip"), new byte[0]);
		assertProblem(empty, "empty.zip is not an Image Translation model file (not a zip archive", "empty");
		Path tiny = Files.write(dir.resolve("tiny.zip"), new byte[] { 'P', 'K' });
		assertProblem(tiny, "tiny.zip is not an Image Translation model file (not a zip archive)");
	}

	@Test
	void zipsThatAreNotModels() throws IOException {
		Path noDescription = dir.resolve("other.zip");
		writeZip(noDescription, Collections.singletonMap("readme.txt", new byte[] { 'h', 'i' }), ZipEntry.DEFLATED);
		assertProblem(noDescription, "other.zip is not an Image Translation model file (no model.json)");

		Path emptyZip = dir.resolve("empty-archive.zip");
		new ZipOutputStream(Files.newOutputStream(emptyZip)).close();
		assertProblem(emptyZip, "empty-archive.zip is not an Image Translation model file (no model.json)");

		String[][] descriptions = { { "{\"name\": \"x\"}", "model.json does not declare \"format\": \"image-translation-model\"" },
				{ "{\"format\": \"keras\", \"format_version\": 1}", "does not declare \"format\"" },
				{ "{\"format\": {\"a\": 1}, \"format_version\": 1}", "does not declare \"format\"" },
				{ "[1, 2]", "model.json is not a JSON object" },
				{ "{\"format\": \"image-translation-model\", \"format_version\": 1", "model.json is not valid JSON" },
				{ "{\"format\": \"image-translation-model\"}", "no valid \"format_version\"" },
				{ "{\"format\": \"image-translation-model\", \"format_version\": \"1\"}", "no valid \"format_version\"" },
				{ "{\"format\": \"image-translation-model\", \"format_version\": 0}", "no valid \"format_version\"" },
				{ "{\"format\": \"image-translation-model\", \"format_version\": 1.5}", "no valid \"format_version\"" } };
		for (String[] description : descriptions) {
			Path file = dir.resolve("described.zip");
			writeZip(file, Collections.singletonMap("model.json", description[0].getBytes(StandardCharsets.UTF_8)), ZipEntry.DEFLATED);
			assertProblem(file, "described.zip is not an Image Translation model file (", description[1]);
		}
	}

	@Test
	void newerFormatVersion() throws IOException {
		Path file = dir.resolve("future.zip");
		String description = "{\"format\": \"image-translation-model\", \"format_version\": 7}";
		writeZip(file, Collections.singletonMap("model.json", description.getBytes(StandardCharsets.UTF_8)), ZipEntry.DEFLATED);
		assertProblem(file, "future.zip was written by a newer version of Image Translation (model format 7, this version reads up to 1); update the plugin");
	}

	@Test
	void olderDecimalSpellingOfTheCurrentVersionIsAccepted() throws IOException {
		Path file = dir.resolve("model.zip");
		String description = "{\"format\": \"image-translation-model\", \"format_version\": 1.0}";
		writeZip(file, Collections.singletonMap("model.json", description.getBytes(StandardCharsets.UTF_8)), ZipEntry.DEFLATED);
		try (ModelArchive archive = ModelArchive.open(file)) {
			assertEquals(1, archive.formatVersion());
		}
	}

	@Test
	void truncatedFiles() throws IOException {
		Path complete = dir.resolve("complete.zip");
		ModelArchive.write(complete, DESCRIPTION, sampleTensors(), Collections.singletonMap("training_state.json", new byte[] { '{', '}' }));
		byte[] bytes = Files.readAllBytes(complete);
		for (double fraction : new double[] { 0.1, 0.5, 0.99 }) {
			Path cut = dir.resolve("cut" + Math.round(fraction * 100) + ".zip");
			Files.write(cut, Arrays.copyOf(bytes, (int) (bytes.length * fraction)));
			assertProblem(cut, cut.getFileName() + " is damaged or truncated (", "); re-save or re-train the model");
		}
	}

	@Test
	void flippedBytesInATensorAreDetected() throws IOException {
		Path file = dir.resolve("model.zip");
		Map<String, INDArray> tensors = sampleTensors();
		ModelArchive.write(file, DESCRIPTION, tensors, null);
		long headerStart = dataOffset(file, "generator/G.u0.down.W.npy");

		for (long offset : new long[] { headerStart + 200, headerStart + 1000, headerStart + 3, headerStart + 40 }) {
			Path damaged = dir.resolve("flipped.zip");
			byte[] bytes = Files.readAllBytes(file);
			bytes[(int) offset] ^= 0x5a;
			bytes[(int) offset + 1] ^= 0x01;
			Files.write(damaged, bytes);
			try (ModelArchive archive = ModelArchive.open(damaged)) {
				ModelFileException e = assertThrows(ModelFileException.class, () -> archive.tensor("generator/G.u0.down.W"));
				assertMessage(e, damaged, "flipped.zip is damaged or truncated (tensor \"generator/G.u0.down.W\": checksum mismatch)");
				assertArrayEquals(NpyTest.bits(tensors.get("generator/G.u0.down.b")), NpyTest.bits(archive.tensor("generator/G.u0.down.b")));
				assertThrows(ModelFileException.class, () -> archive.tensors("generator/"));
			}
		}
	}

	@Test
	void damagedDeflatedEntriesAreDetected() throws IOException {
		Path file = dir.resolve("model.zip");
		Map<String, byte[]> entries = new LinkedHashMap<>();
		entries.put("model.json", DESCRIPTION.getBytes(StandardCharsets.UTF_8));
		entries.put("generator/w.npy", npyBytes(NpyTest.arrayOfRandomBits(new Random(3), 64, 64)));
		writeZip(file, entries, ZipEntry.DEFLATED);
		long start = dataOffset(file, "generator/w.npy");
		byte[] bytes = Files.readAllBytes(file);
		for (int i = 0; i < 8; i++) bytes[(int) start + 500 + i] ^= (byte) 0xa5;
		Path damaged = Files.write(dir.resolve("deflated.zip"), bytes);
		try (ModelArchive archive = ModelArchive.open(damaged)) {
			ModelFileException e = assertThrows(ModelFileException.class, () -> archive.tensor("generator/w"));
			assertMessage(e, damaged, "deflated.zip is damaged or truncated (tensor \"generator/w\": ");
		}

		byte[] description = Files.readAllBytes(file);
		description[(int) dataOffset(file, "model.json") + 2] ^= 0x10;
		Path badDescription = Files.write(dir.resolve("description.zip"), description);
		assertProblem(badDescription, "description.zip is damaged or truncated (entry \"model.json\": ");
	}

	@Test
	void missingTensorOrExtra() throws IOException {
		Path file = dir.resolve("model.zip");
		ModelArchive.write(file, DESCRIPTION, sampleTensors(), null);
		try (ModelArchive archive = ModelArchive.open(file)) {
			assertMessage(assertThrows(ModelFileException.class, () -> archive.tensor("discriminator/D.c9.W")), file,
					"model.zip is incomplete (it has no tensor \"discriminator/D.c9.W\"); re-save or re-train the model");
			assertMessage(assertThrows(ModelFileException.class, () -> archive.extra("training_state.json")), file,
					"model.zip is incomplete (it has no entry \"training_state.json\")");
		}
	}

	@Test
	void badNpyEntries() throws IOException {
		String[][] cases = {
				{ "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n", "16", "data type '<f8' is not supported; only float32 ('<f4') is" },
				{ "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n", "20", "shape (2, 3) needs 24 bytes of data but 20 follow the header" },
				{ "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n", "12", "shape (2,) needs 8 bytes of data but 12 follow the header" },
				{ "{'descr': '<f4', 'fortran_order': False, 'shape': (2, }\n", "8", "malformed .npy header" },
				{ "{'descr': '<f4', 'shape': (2,)}\n", "8", "malformed .npy header" } };
		for (String[] badCase : cases) {
			Map<String, byte[]> entries = new LinkedHashMap<>();
			entries.put("model.json", DESCRIPTION.getBytes(StandardCharsets.UTF_8));
			entries.put("generator/w.npy", NpyTest.npy(1, badCase[0], new byte[Integer.parseInt(badCase[1])]));
			Path file = dir.resolve("bad-npy.zip");
			writeZip(file, entries, ZipEntry.STORED);
			try (ModelArchive archive = ModelArchive.open(file)) {
				ModelFileException e = assertThrows(ModelFileException.class, () -> archive.tensor("generator/w"));
				assertMessage(e, file, "bad-npy.zip has an unreadable tensor \"generator/w\" (", badCase[2], "); re-save or re-train the model");
			}
		}
		Map<String, byte[]> entries = new LinkedHashMap<>();
		entries.put("model.json", DESCRIPTION.getBytes(StandardCharsets.UTF_8));
		entries.put("generator/w.npy", "this is not numpy".getBytes(StandardCharsets.UTF_8));
		Path file = dir.resolve("not-npy.zip");
		writeZip(file, entries, ZipEntry.STORED);
		try (ModelArchive archive = ModelArchive.open(file)) {
			assertMessage(assertThrows(ModelFileException.class, () -> archive.tensor("generator/w")), file, "not a .npy array");
		}
	}

	// ---- helpers ----

	private static Map<String, INDArray> sampleTensors() {
		Random random = new Random(7);
		Map<String, INDArray> tensors = new LinkedHashMap<>();
		tensors.put("generator/G.u0.down.W", NpyTest.arrayOfRandomBits(random, 16, 3, 4, 4));
		tensors.put("generator/G.u0.down.b", NpyTest.arrayOfRandomBits(random, 16));
		tensors.put("generator/G.scale", Nd4j.scalar(0.5f));
		tensors.put("discriminator/D.c0.W", NpyTest.arrayOfRandomBits(random, 8, 6, 4, 4));
		tensors.put("optimizer/generator/G.u0.down.W.m", Nd4j.zeros(DataType.FLOAT, 16, 3, 4, 4));
		tensors.put("pool/A", NpyTest.arrayOfRandomBits(random, 2, 1, 3, 8, 8));
		return tensors;
	}

	private static void assertProblem(Path file, String... parts) {
		ModelFileException e = assertThrows(ModelFileException.class, () -> ModelArchive.open(file).close());
		assertMessage(e, file, parts);
	}

	private static void assertMessage(ModelFileException e, Path file, String... parts) {
		String message = e.getMessage();
		assertTrue(message.contains(file.getFileName().toString()), message);
		assertFalse(message.contains("\n") || message.contains("\r"), message);
		for (String part : parts) assertTrue(message.contains(part), "expected \"" + part + "\" in: " + message);
		assertEquals(file, e.file());
	}

	private static void assertUnchanged(Path file, byte[] before) throws IOException {
		assertArrayEquals(before, Files.readAllBytes(file));
		assertEquals(Collections.singletonList(file.getFileName().toString()), filesIn(file.getParent()));
	}

	private static List<String> filesIn(Path folder) {
		try (Stream<Path> files = Files.list(folder)) {
			return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
		} catch (IOException e) {
			throw new AssertionError(e);
		}
	}

	private static byte[] npyBytes(INDArray array) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		Npy.write(array, out);
		return out.toByteArray();
	}

	/** Writes a zip by hand, bypassing ModelArchive's checks. */
	private static void writeZip(Path file, Map<String, byte[]> entries, int method) throws IOException {
		try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
			for (Map.Entry<String, byte[]> content : entries.entrySet()) {
				ZipEntry entry = new ZipEntry(content.getKey());
				entry.setMethod(method);
				if (method == ZipEntry.STORED) {
					CRC32 crc = new CRC32();
					crc.update(content.getValue());
					entry.setCrc(crc.getValue());
					entry.setSize(content.getValue().length);
					entry.setCompressedSize(content.getValue().length);
				}
				zip.putNextEntry(entry);
				zip.write(content.getValue());
				zip.closeEntry();
			}
		}
	}

	/** Where an entry's (possibly compressed) data begins in the file, from its local header. */
	private static long dataOffset(Path file, String entryName) throws IOException {
		byte[] bytes = Files.readAllBytes(file);
		byte[] name = entryName.getBytes(StandardCharsets.UTF_8);
		for (int i = 0; i + 30 + name.length <= bytes.length; i++) {
			if (bytes[i] != 'P' || bytes[i + 1] != 'K' || bytes[i + 2] != 3 || bytes[i + 3] != 4) continue;
			int nameLength = (bytes[i + 26] & 0xff) | (bytes[i + 27] & 0xff) << 8;
			int extraLength = (bytes[i + 28] & 0xff) | (bytes[i + 29] & 0xff) << 8;
			if (nameLength == name.length && Arrays.equals(Arrays.copyOfRange(bytes, i + 30, i + 30 + nameLength), name))
				return i + 30 + nameLength + extraLength;
		}
		throw new AssertionError("no local header for " + entryName);
	}

	/** A map whose entry iterator throws after handing out {@code failAfter} entries. */
	private static final class FailingMap extends AbstractMap<String, INDArray> {
		private final Map<String, INDArray> content;
		private final int failAfter;

		FailingMap(Map<String, INDArray> content, int failAfter) {
			this.content = content;
			this.failAfter = failAfter;
		}

		@Override
		public Set<Map.Entry<String, INDArray>> entrySet() {
			return new AbstractSet<Map.Entry<String, INDArray>>() {
				@Override
				public Iterator<Map.Entry<String, INDArray>> iterator() {
					Iterator<Map.Entry<String, INDArray>> inner = content.entrySet().iterator();
					return new Iterator<Map.Entry<String, INDArray>>() {
						private int handedOut;

						@Override
						public boolean hasNext() {
							return inner.hasNext();
						}

						@Override
						public Map.Entry<String, INDArray> next() {
							if (handedOut++ == failAfter) throw new IllegalStateException("iteration failed");
							return inner.next();
						}
					};
				}

				@Override
				public int size() {
					return content.size();
				}
			};
		}
	}
}
