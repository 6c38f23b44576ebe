package io.github.imagetranslation.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.imagetranslation.engine.model.CheckpointFiles;
import io.github.imagetranslation.engine.model.ModelFile;
import io.github.imagetranslation.engine.model.ModelDescription;
import io.github.imagetranslation.imagej.ImageFileReader;

/**
 * The command line end to end at tiny sizes on real crops (T1 -> PD MRI, day -> night maps): train, inspect,
 * translate files and folders, evaluate, resume; and every kind of bad input gives one line, a non-zero exit
 * code, no partial output and untouched inputs.
 */
class CommandLineTest {

	private static final String[] TINY = { "--generator", "unet_32", "--ngf", "4", "--ndf", "4", "--patch_size", "32",
			"--n_epochs", "1", "--n_epochs_decay", "1" };

	@TempDir
	static Path shared;
	static Path t1, pd, model;

	static final class Result {
		final int code;
		final String out;
		final String err;

		Result(int code, String out, String err) {
			this.code = code;
			this.out = out;
			this.err = err;
		}
	}

	static Result run(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		int code = Main.run(args, new PrintStream(out, true), new PrintStream(err, true));
		return new Result(code, new String(out.toByteArray(), StandardCharsets.UTF_8), new String(err.toByteArray(), StandardCharsets.UTF_8));
	}

	static String[] concat(String[] a, String... b) {
		List<String> all = new ArrayList<>(Arrays.asList(a));
		all.addAll(Arrays.asList(b));
		return all.toArray(new String[0]);
	}

	static Path resource(String name) throws URISyntaxException {
		return Paths.get(CommandLineTest.class.getResource("/io/github/imagetranslation/pairs/" + name).toURI());
	}

	@BeforeAll
	static void trainOnce() throws Exception {
		t1 = resource("t1");
		pd = resource("pd");
		model = shared.resolve("t1pd.zip");
		Result r = run(concat(new String[] { "train-pix2pix", "--input", t1.toString(), "--target", pd.toString(), "--model",
				model.toString() }, TINY));
		assertEquals(0, r.code, r.out + r.err);
		assertTrue(Files.isRegularFile(model));
	}

	private static void assertOneLineError(Result r, int code, String... words) {
		assertEquals(code, r.code, r.out + r.err);
		String line = r.err.trim();
		assertFalse(line.contains("\n"), "one line expected: " + r.err);
		assertFalse(line.contains("Exception") || line.contains("\tat "), "no stack trace expected: " + r.err);
		for (String w : words)
			assertTrue(line.contains(w), "'" + w + "' expected in: " + line);
	}

	@Test
	void trainingWritesAModelACheckpointAndHistory() throws Exception {
		ModelDescription d = ModelFile.describe(model);
		assertEquals("pix2pix", d.kind);
		assertEquals(1, d.domains.get("A").channels);
		assertEquals(2, d.history.size());
		assertTrue(d.finished);
		// two 64 px pairs hold four 32 px patches each: 8 iterations per epoch
		assertEquals(16, d.iterationsDone);
		assertFalse(ModelFile.hasTrainingState(model));
		assertTrue(ModelFile.hasTrainingState(CheckpointFiles.checkpointOf(model)));
		assertTrue(Files.isRegularFile(CheckpointFiles.bestOf(model)));
	}

	@Test
	void cycleGanTrainsOnUnpairedFoldersAndTranslatesBothWays(@TempDir Path dir) throws Exception {
		Path m = dir.resolve("daynight.zip");
		Result r = run("train-cyclegan", "--domain_a", resource("day").toString(), "--domain_b", resource("night").toString(),
				"--model", m.toString(), "--generator", "resnet_1blocks", "--ngf", "4", "--ndf", "4", "--patch_size", "32",
				"--n_epochs", "1", "--n_epochs_decay", "0", "--pool_size", "2");
		assertEquals(0, r.code, r.out + r.err);
		assertTrue(r.out.contains("Domain A: 2 images, domain B: 2 images"), r.out);
		ModelDescription d = ModelFile.describe(m);
		assertEquals("cyclegan", d.kind);
		assertEquals(3, d.domains.get("B").channels);
		// two samples per domain: 4 rows (A, A->B, A->B->A and B, B->A, B->A->B) of 32 px with 4 px gaps
		ij.ImagePlus samples = ImageFileReader.open(CheckpointFiles.samplesOf(m));
		assertEquals(4 * 32 + 3 * 4, samples.getHeight());
		assertEquals(3 * 32 + 2 * 4, samples.getWidth());
		Path out = dir.resolve("b2a.png");
		Result t = run("translate", "--model", m.toString(), "--direction", "B2A", "--input", resource("night").resolve("a.png").toString(),
				"--output", out.toString());
		assertEquals(0, t.code, t.err);
		assertEquals(24, ImageFileReader.open(out).getBitDepth());
		assertOneLineError(run("translate", "--model", m.toString(), "--direction", "A2A", "--input",
				resource("night").resolve("a.png").toString(), "--output", dir.resolve("x.png").toString()), 1, "no direction A2A");
	}

	@Test
	void infoDescribesTheModel() {
		Result r = run("info", "--model", model.toString());
		assertEquals(0, r.code, r.err);
		assertTrue(r.out.contains("Kind: pix2pix"), r.out);
		assertTrue(r.out.contains("unet_32"), r.out);
		assertTrue(r.out.contains("epoch    2"), r.out);
	}

	@Test
	void translatesAFileKeepingSizeAndBitDepth(@TempDir Path dir) throws Exception {
		Path out = dir.resolve("a-pd.tif");
		Result r = run("translate", "--model", model.toString(), "--input", t1.resolve("a.png").toString(), "--output", out.toString());
		assertEquals(0, r.code, r.err);
		ij.ImagePlus result = ImageFileReader.open(out);
		assertEquals(64, result.getWidth());
		assertEquals(64, result.getHeight());
		assertEquals(8, result.getBitDepth());
		Result again = run("translate", "--model", model.toString(), "--input", t1.resolve("a.png").toString(), "--output",
				out.toString(), "--output_type", "32-bit", "--overwrite");
		assertEquals(0, again.code, again.err);
		assertEquals(32, ImageFileReader.open(out).getBitDepth());
	}

	@Test
	void imagesLargerThanTheTileSizeAreTranslatedInTilesWithProgress(@TempDir Path dir) throws Exception {
		Path out = dir.resolve("a-pd.tif");
		Result r = run("translate", "--model", model.toString(), "--input", t1.resolve("a.png").toString(), "--output", out.toString(),
				"--tile_size", "32", "--tile_overlap", "0");
		assertEquals(0, r.code, r.err);
		// 2 x 2 tiles in every pass (statistics of the network's normalisation layers, then the translation)
		assertTrue(r.out.matches("(?s).*tiles (\\d+) of \\1 .*"), r.out);
		ij.ImagePlus result = ImageFileReader.open(out);
		assertEquals(64, result.getWidth());
		assertEquals(64, result.getHeight());
		assertEquals(8, result.getBitDepth());
		assertOneLineError(run("translate", "--model", model.toString(), "--input", t1.resolve("a.png").toString(), "--output",
				out.toString(), "--tile_size", "-3", "--overwrite"), ExitCodes.USAGE, "Tile size must be positive");
	}

	@Test
	void translatesAFolderSkippingExistingOutputsAndFailingFiles(@TempDir Path dir) throws Exception {
		Path in = dir.resolve("in"), out = dir.resolve("out");
		Files.createDirectories(in);
		Files.copy(t1.resolve("a.png"), in.resolve("a.png"));
		Files.copy(t1.resolve("b.png"), in.resolve("b.png"));
		Files.write(in.resolve("c.png"), "not really an image".getBytes(StandardCharsets.UTF_8));
		Files.createDirectories(out);
		Files.write(out.resolve("b.tif"), new byte[] { 1, 2, 3 });
		byte[] before = Files.readAllBytes(in.resolve("a.png"));
		Result r = run("translate", "--model", model.toString(), "--input", in.toString(), "--output", out.toString());
		assertEquals(ExitCodes.PARTIAL, r.code, r.out + r.err);
		assertTrue(r.out.contains("1 translated, 1 skipped (output exists), 1 failed"), r.out);
		assertTrue(Files.isRegularFile(out.resolve("a.tif")));
		assertArrayEquals(new byte[] { 1, 2, 3 }, Files.readAllBytes(out.resolve("b.tif")));
		assertFalse(Files.exists(out.resolve("c.tif")));
		assertArrayEquals(before, Files.readAllBytes(in.resolve("a.png")));
		try (Stream<Path> files = Files.list(out)) {
			assertEquals(Arrays.asList("a.tif", "b.tif"), files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()));
		}
		Result into = run("translate", "--model", model.toString(), "--input", in.toString(), "--output", in.resolve("sub").toString());
		assertOneLineError(into, 1, "inside the input folder");
	}

	@Test
	void evaluatesAgainstGroundTruth(@TempDir Path dir) throws Exception {
		Path csv = dir.resolve("metrics.csv");
		Result r = run("evaluate", "--translated", pd.toString(), "--ground_truth", pd.toString(), "--csv", csv.toString());
		assertEquals(0, r.code, r.err);
		List<String> lines = Files.readAllLines(csv);
		assertEquals("image,slice,psnr,ssim,nrmse,mae", lines.get(0));
		assertEquals(4, lines.size());
		// identical images: infinite PSNR, SSIM 1, no error
		assertTrue(lines.get(3).startsWith("mean,,Infinity,1.000000,0.000000,0.000000"), lines.get(3));
	}

	@Test
	void resumeContinuesTheSavedRun(@TempDir Path dir) throws Exception {
		Path copy = dir.resolve("m.zip");
		Files.copy(model, copy);
		Files.copy(CheckpointFiles.checkpointOf(model), CheckpointFiles.checkpointOf(copy));
		Result r = run("train-pix2pix", "--input", t1.toString(), "--target", pd.toString(), "--model", copy.toString(), "--resume",
				"--n_epochs", "2");
		assertEquals(0, r.code, r.out + r.err);
		ModelDescription d = ModelFile.describe(copy);
		assertEquals(3, d.history.size());
		assertEquals(24, d.iterationsDone);
		assertTrue(r.out.contains("16 done already"), r.out);
		Result changed = run("train-pix2pix", "--input", t1.toString(), "--target", pd.toString(), "--model", copy.toString(),
				"--resume", "--ngf", "8");
		assertOneLineError(changed, 2, "--ngf differs from the run being resumed");
		// repeating the original options is fine
		Result same = run(concat(new String[] { "train-pix2pix", "--input", t1.toString(), "--target", pd.toString(), "--model",
				copy.toString(), "--resume" }, TINY));
		assertEquals(0, same.code, same.out + same.err);
	}

	@Test
	void refusesToOverwriteAModelByAccident() {
		Result r = run(concat(new String[] { "train-pix2pix", "--input", t1.toString(), "--target", pd.toString(), "--model",
				model.toString() }, TINY));
		assertOneLineError(r, 1, "exists", "--resume", "--overwrite");
	}

	@Test
	void badInputsGiveOneLineErrorsAndNoOutput(@TempDir Path dir) throws Exception {
		Path text = dir.resolve("notes.txt");
		Files.write(text, "hello".getBytes(StandardCharsets.UTF_8));
		Path out = dir.resolve("out.tif");
		assertOneLineError(run("translate", "--model", model.toString(), "--input", text.toString(), "--output", out.toString()), 1,
				"notes.txt", "not an image");
		Path corrupt = dir.resolve("broken.png");
		byte[] png = Files.readAllBytes(t1.resolve("a.png"));
		Files.write(corrupt, Arrays.copyOf(png, png.length / 2));
		assertOneLineError(run("translate", "--model", model.toString(), "--input", corrupt.toString(), "--output", out.toString()), 1,
				"broken.png");
		assertOneLineError(run("translate", "--model", model.toString(), "--input", resource("day").resolve("a.png").toString(),
				"--output", out.toString()), 1, "expects 1 channel");
		assertFalse(Files.exists(out));

		Path truncated = dir.resolve("truncated.zip");
		byte[] zip = Files.readAllBytes(model);
		Files.write(truncated, Arrays.copyOf(zip, zip.length / 2));
		assertOneLineError(run("translate", "--model", truncated.toString(), "--input", t1.resolve("a.png").toString(), "--output",
				out.toString()), 1, "truncated.zip", "damaged or truncated");
		assertOneLineError(run("info", "--model", text.toString()), 1, "not an Image Translation model");
		assertFalse(Files.exists(out));
	}

	@Test
	void badTrainingDataGivesOneLineErrors(@TempDir Path dir) throws Exception {
		Path empty = dir.resolve("empty");
		Files.createDirectories(empty);
		Path m = dir.resolve("m.zip");
		assertOneLineError(run(concat(new String[] { "train-pix2pix", "--input", empty.toString(), "--target", pd.toString(), "--model",
				m.toString() }, TINY)), 1, "no image files");
		Path small = dir.resolve("small");
		Files.createDirectories(small);
		Files.copy(resource("day").resolve("a.png"), small.resolve("a.png"));
		Path big = dir.resolve("big");
		Files.createDirectories(big);
		Files.copy(resource("../imagej/brain-pd.png"), big.resolve("a.png"));
		assertOneLineError(run(concat(new String[] { "train-pix2pix", "--input", small.toString(), "--target", big.toString(),
				"--model", m.toString() }, TINY)), 1, "a.png", "same width and height");
		assertFalse(Files.exists(m));
		assertOneLineError(run("train-pix2pix", "--input", t1.toString(), "--target", pd.toString(), "--model", m.toString(),
				"--patch_size", "40", "--generator", "unet_32"), 1, "multiple of 32");
	}

	@Test
	void commandLineMistakesExitWithUsageErrors() {
		assertOneLineError(run("transmogrify"), 2, "Unknown command");
		assertOneLineError(run("info"), 2, "needs --model");
		assertOneLineError(run("info", "--model", "x.zip", "--colour", "red"), 2, "Unknown option --colour");
		assertOneLineError(run("train-pix2pix", "--input", "a", "--target", "b", "--model", "m.zip", "--n_epochs", "many"), 2,
				"--n_epochs needs a whole number");
		Result help = run("train-cyclegan", "--help");
		assertEquals(0, help.code);
		assertTrue(help.out.contains("--lambda_identity"), help.out);
	}
}
