package io.github.imagetranslation.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.app.event.StatusEvent;
import org.scijava.ItemVisibility;
import org.scijava.command.Command;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.event.EventHandler;
import org.scijava.event.EventService;
import org.scijava.log.LogListener;
import org.scijava.log.LogService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;

import ij.ImagePlus;
import ij.ImageStack;
import ij.Macro;
import ij.macro.Interpreter;
import ij.measure.Calibration;
import ij.measure.ResultsTable;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import io.github.imagetranslation.engine.model.CheckpointFiles;
import io.github.imagetranslation.engine.model.ModelDescription;
import io.github.imagetranslation.engine.model.ModelFile;
import io.github.imagetranslation.engine.train.CycleGanOptions;
import io.github.imagetranslation.engine.train.Pix2PixOptions;
import io.github.imagetranslation.imagej.ImageFileReader;

/**
 * Every Image Translation command run as a macro runs it: through SciJava's CommandService with inputs given
 * by their macro keys, numbers, booleans and paths as strings (open images as ImagePlus objects, which Fiji
 * finds by title). Three tiny models are trained once (pix2pix T1 -> PD MRI from folders, CycleGAN day <-> night
 * from open RGB stacks, pix2pix on a 16-bit image) and used by the other tests; every validation message comes
 * from a run with a bad input.
 */
class FijiCommandsTest {

	private static final Object[] TINY = { "ngf", "4", "ndf", "4", "patch_size", "32", "n_epochs", "1" };
	private static final String RESOURCES = "/io/github/imagetranslation/";

	static {
		System.setProperty("java.awt.headless", "true");
		TemporaryPreferences.use();
	}

	@TempDir
	static Path shared;
	static Context context;
	static CommandService commands;
	static ModuleService modules;
	static final List<String> log = Collections.synchronizedList(new ArrayList<>());
	static final LogListener logRecorder = message -> log.add(message.text() != null ? message.text() : String.valueOf(message.throwable()));
	static Path t1, pd, greyModel, colourModel, model16;
	static final StatusRecorder statusBar = new StatusRecorder();

	/** Records what the commands show in the status bar. */
	public static final class StatusRecorder {
		final List<StatusEvent> events = Collections.synchronizedList(new ArrayList<>());

		@EventHandler
		public void onEvent(StatusEvent e) {
			events.add(e);
		}

		boolean shown(int done, int total, String start) {
			synchronized (events) {
				return events.stream().anyMatch(e -> e.getProgressValue() == done && e.getProgressMaximum() == total
						&& String.valueOf(e.getStatusMessage()).startsWith(start));
			}
		}
	}

	static Path resource(String name) throws URISyntaxException {
		return Paths.get(FijiCommandsTest.class.getResource(RESOURCES + name).toURI());
	}

	static ImagePlus open(String name) throws Exception {
		return ImageFileReader.open(resource(name));
	}

	static Object[] inputs(Object[] first, Object... more) {
		List<Object> all = new ArrayList<>(Arrays.asList(first));
		all.addAll(Arrays.asList(more));
		return all.toArray();
	}

	/**
	 * Inputs as Fiji sets them from a macro's options string: each input whose key the options hold, as the
	 * string ImageJ reads for it.
	 */
	static Object[] macro(Class<? extends Command> command, String options) {
		List<Object> inputs = new ArrayList<>();
		for (ModuleItem<?> item : commands.getCommand(command).inputs()) {
			String value = Macro.getValue(options, item.getName(), null);
			if (value != null) inputs.addAll(Arrays.asList(item.getName(), value));
		}
		return inputs.toArray();
	}

	static CommandModule run(Class<? extends Command> command, Object... inputs) throws Exception {
		return commands.run(command, true, inputs).get();
	}

	static void assertSucceeded(Module module) {
		CommandModule m = (CommandModule) module;
		assertFalse(m.isCanceled(), () -> "failed: " + m.getCancelReason() + "\nlog: " + log);
	}

	/** The command failed with one line holding {@code words}, which also went to the log (no display). */
	static void assertFails(CommandModule m, String... words) {
		assertTrue(m.isCanceled(), "expected a failure; log: " + log);
		String reason = m.getCancelReason();
		assertNotNull(reason);
		assertFalse(reason.contains("\n") || reason.contains("Exception") || reason.contains("\tat "), "one line expected: " + reason);
		for (String w : words)
			assertTrue(reason.contains(w), "'" + w + "' expected in: " + reason);
		assertTrue(log.contains(reason), "the reason is logged without a display");
	}

	static boolean logged(String text) {
		synchronized (log) {
			return log.stream().anyMatch(l -> l.contains(text));
		}
	}

	/** The planes of two images in one RGB stack. */
	static ImagePlus rgbStack(String title, String... files) throws Exception {
		ImageStack stack = new ImageStack(64, 64);
		for (String f : files)
			stack.addSlice(f, open(f).getProcessor());
		return new ImagePlus(title, stack);
	}

	@BeforeAll
	static void startFijiAndTrainOnce() throws Exception {
		context = new Context();
		commands = context.service(CommandService.class);
		modules = context.service(ModuleService.class);
		context.service(LogService.class).addLogListener(logRecorder);
		context.service(EventService.class).subscribe(statusBar);
		t1 = resource("pairs/t1");
		pd = resource("pairs/pd");

		greyModel = shared.resolve("t1pd.zip");
		assertSucceeded(run(TrainPix2PixCommand.class, inputs(TINY, "input_folder", t1.toString(), "target_folder", pd.toString(),
				"model_file", greyModel.toString(), "generator", "unet_32", "n_epochs_decay", "1")));

		colourModel = shared.resolve("day2night.zip");
		assertSucceeded(run(TrainCycleGanCommand.class, inputs(TINY, "domain_a", rgbStack("day", "pairs/day/a.png", "pairs/day/b.png"),
				"domain_b", rgbStack("night", "pairs/night/a.png", "pairs/night/b.png"), "model_file", colourModel.toString(),
				"generator", "resnet_1blocks", "n_epochs_decay", "0", "pool_size", "0")));

		ImageProcessor bright = open("imagej/fluo16-crop.tif").getProcessor();
		bright.multiply(200);
		model16 = shared.resolve("fluo16.zip");
		assertSucceeded(run(TrainPix2PixCommand.class, inputs(TINY, "input", new ImagePlus("fluo16 x200", bright),
				"target", new ImagePlus("fluo16 x200 target", bright.duplicate()), "model_file", model16.toString(),
				"generator", "unet_32", "n_epochs_decay", "0")));
	}

	@AfterAll
	static void stopFiji() {
		context.service(LogService.class).removeLogListener(logRecorder);
		context.dispose();
	}

	@Test
	void trainingFromFoldersWritesTheModelItsCheckpointAndBestModelAndLogsProgress() throws Exception {
		ModelDescription d = ModelFile.describe(greyModel);
		assertEquals(ModelDescription.PIX2PIX, d.kind);
		assertEquals("unet_32", d.options.get("generator").getAsString());
		assertEquals(16, d.iterationsDone, "two 64 px pairs of four 32 px patches, two epochs");
		assertTrue(d.finished);
		assertTrue(ModelFile.hasTrainingState(CheckpointFiles.checkpointOf(greyModel)));
		assertTrue(Files.isRegularFile(CheckpointFiles.bestOf(greyModel)));
		assertTrue(logged("2 training pairs"));
		assertTrue(logged("epoch 1/2 iter 1/8"), "first iteration line");
		assertTrue(logged("Epoch 2/2 done, mean losses: D_real"), "epoch line");
		assertTrue(logged("Done: 16 iterations in 2 epochs; saved " + greyModel));
		long end = System.nanoTime() + 10_000_000_000L;
		while (!statusBar.shown(16, 16, "epoch 2/2 iter 8/8 | D_real") && System.nanoTime() < end)
			Thread.sleep(50);
		assertTrue(statusBar.shown(16, 16, "epoch 2/2 iter 8/8 | D_real"), "status bar text and progress");
		assertTrue(statusBar.shown(1, 16, "epoch 1/2 iter 1/8"));
	}

	@Test
	void cycleGanTrainsOnOpenColourStacks() throws Exception {
		ModelDescription d = ModelFile.describe(colourModel);
		assertEquals(ModelDescription.CYCLEGAN, d.kind);
		assertEquals(3, d.domains.get("A").channels);
		assertEquals(3, d.domains.get("B").channels);
		assertEquals(Arrays.asList("A2B", "B2A"), new ArrayList<>(d.generators.keySet()));
		assertTrue(logged("Domain A: 2 images, domain B: 2 images"));
	}

	@Test
	void translatesAnEightBitStackKeepingDimensionsCalibrationAndLabels() throws Exception {
		ImagePlus nuclei = open("imagej/nuclei-crop.tif");
		Calibration cal = nuclei.getCalibration();
		cal.pixelWidth = 0.5;
		cal.pixelHeight = 0.5;
		cal.pixelDepth = 2;
		cal.setUnit("micron");
		CommandModule m = run(TranslateImageCommand.class, "image", nuclei, "model_file", greyModel.toString());
		assertSucceeded(m);
		ImagePlus out = (ImagePlus) m.getOutput("translated");
		assertEquals("nuclei-crop-t1pd", out.getTitle());
		assertArrayEquals(nuclei.getDimensions(), out.getDimensions());
		assertEquals(8, out.getBitDepth());
		assertEquals(0.5, out.getCalibration().pixelWidth);
		assertEquals(2, out.getCalibration().pixelDepth);
		assertEquals("micron", out.getCalibration().getUnit());
		for (int i = 1; i <= 4; i++) {
			assertEquals(nuclei.getStack().getSliceLabel(i), out.getStack().getSliceLabel(i));
			assertNotEquals(0, out.getStack().getProcessor(i).getStatistics().stdDev, "slice " + i + " was translated");
		}
	}

	@Test
	void aSixteenBitImageGivesASixteenBitImageInItsRange() throws Exception {
		ImageProcessor bright = open("imagej/fluo16-crop.tif").getProcessor();
		bright.multiply(200);
		ImagePlus image = new ImagePlus("fluo", bright);
		CommandModule m = run(TranslateImageCommand.class, "image", image, "model_file", model16.toString());
		assertSucceeded(m);
		ImagePlus out = (ImagePlus) m.getOutput("translated");
		assertEquals(16, out.getBitDepth());
		ShortProcessor sp = (ShortProcessor) out.getProcessor();
		double min = bright.getStatistics().min, max = bright.getStatistics().max;
		assertTrue(sp.getStatistics().min >= min - 1 && sp.getStatistics().max <= max + 1,
				"within the training range " + min + "-" + max + ": " + sp.getStatistics().min + "-" + sp.getStatistics().max);
		assertTrue(sp.getStatistics().mean > 255, "16-bit values, not 8-bit ones: " + sp.getStatistics().mean);

		CommandModule asFloat = run(TranslateImageCommand.class, "image", image, "model_file", model16.toString(), "output_type", "32-bit");
		assertSucceeded(asFloat);
		assertEquals(32, ((ImagePlus) asFloat.getOutput("translated")).getBitDepth());
	}

	@Test
	void translatesAnRgbImageWithAColourModelInBothDirections() throws Exception {
		ImagePlus night = open("pairs/night/a.png");
		CommandModule m = run(TranslateImageCommand.class, "image", night, "model_file", colourModel.toString(), "direction", "B2A");
		assertSucceeded(m);
		ImagePlus out = (ImagePlus) m.getOutput("translated");
		assertEquals(ImagePlus.COLOR_RGB, out.getType());
		assertEquals(64, out.getWidth());
		assertEquals("a-day2night", out.getTitle());
		assertSucceeded(run(TranslateImageCommand.class, "image", open("pairs/day/a.png"), "model_file", colourModel.toString()));
	}

	/** Three grey channels, one slice, two time points, calibrated and labelled. */
	static ImagePlus hyperstack() throws Exception {
		ImageStack stack = new ImageStack(64, 64);
		for (String frame : new String[] { "a", "b" }) {
			ColorProcessor rgb = (ColorProcessor) open("pairs/day/" + frame + ".png").getProcessor();
			for (int c = 0; c < 3; c++)
				stack.addSlice("c" + (c + 1) + " t " + frame, rgb.getChannel(c + 1, null));
		}
		ImagePlus image = new ImagePlus("hyper", stack);
		image.setDimensions(3, 1, 2);
		image.setOpenAsHyperStack(true);
		Calibration cal = image.getCalibration();
		cal.pixelWidth = 0.25;
		cal.frameInterval = 5;
		cal.setTimeUnit("s");
		return image;
	}

	@Test
	void translatesAThreeChannelHyperstackWithTwoTimePoints() throws Exception {
		for (Path model : Arrays.asList(colourModel, greyModel)) {
			ImagePlus image = hyperstack();
			CommandModule m = run(TranslateImageCommand.class, "image", image, "model_file", model.toString());
			assertSucceeded(m);
			ImagePlus out = (ImagePlus) m.getOutput("translated");
			assertArrayEquals(new int[] { 64, 64, 3, 1, 2 }, out.getDimensions(), model.toString());
			assertEquals(0.25, out.getCalibration().pixelWidth);
			assertEquals(5, out.getCalibration().frameInterval);
			for (int i = 1; i <= 6; i++)
				assertEquals(image.getStack().getSliceLabel(i), out.getStack().getSliceLabel(i));
		}
	}

	@Test
	void theResultBecomesTheCurrentImageOfABatchMacro() throws Exception {
		Interpreter.batchMode = true;
		try {
			CommandModule m = run(TranslateImageCommand.class, "image", open("pairs/t1/a.png"), "model_file", greyModel.toString());
			assertSucceeded(m);
			assertSame(m.getOutput("translated"), Interpreter.getLastBatchModeImage());
			Interpreter.removeBatchModeImage((ImagePlus) m.getOutput("translated"));
		} finally {
			Interpreter.batchMode = false;
		}
	}

	@Test
	void translatesAFolderSkippingExistingOutputsAndReportingBrokenFiles(@TempDir Path dir) throws Exception {
		Path in = dir.resolve("in"), out = dir.resolve("out");
		Files.createDirectories(in);
		Files.copy(t1.resolve("a.png"), in.resolve("a.png"));
		Files.copy(t1.resolve("b.png"), in.resolve("b.png"));
		Files.write(in.resolve("c.png"), "not really an image".getBytes(StandardCharsets.UTF_8));
		Files.createDirectories(out);
		Files.write(out.resolve("b.tif"), new byte[] { 1, 2, 3 });
		byte[] before = Files.readAllBytes(in.resolve("a.png"));
		CommandModule m = run(TranslateFolderCommand.class, "input_folder", in.toString(), "output_folder", out.toString(), "model_file",
				greyModel.toString(), "pattern", "*.png", "recursive", "false", "overwrite", "false");
		assertSucceeded(m);
		assertTrue(logged("1 of 3: a.png") && logged("2 of 3: b.png") && logged("3 of 3: c.png"), "i of n progress");
		assertTrue(logged("Skipped b.png: b.tif exists"));
		assertTrue(logged("Failed c.png"));
		assertTrue(logged("1 translated, 1 skipped (output exists), 1 failed"), "summary");
		assertEquals(8, ImageFileReader.open(out.resolve("a.tif")).getBitDepth());
		assertArrayEquals(new byte[] { 1, 2, 3 }, Files.readAllBytes(out.resolve("b.tif")));
		assertArrayEquals(before, Files.readAllBytes(in.resolve("a.png")));
		try (Stream<Path> files = Files.list(out)) {
			assertEquals(Arrays.asList("a.tif", "b.tif"), files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()));
		}
		try (Stream<Path> files = Files.list(in)) {
			assertEquals(3, files.count(), "nothing written into the input folder");
		}
	}

	/** A 12x12 8-bit stack of {@code values.length} slices, each filled with its value. */
	static ImagePlus constantStack(String title, int... values) {
		ImageStack stack = new ImageStack(12, 12);
		for (int v : values) {
			ByteProcessor bp = new ByteProcessor(12, 12);
			bp.setValue(v);
			bp.fill();
			stack.addSlice(bp);
		}
		return new ImagePlus(title, stack);
	}

	@Test
	void evaluationMatchesHandComputedMetrics(@TempDir Path dir) throws Exception {
		// slice 1: every pixel off by 10; slice 2: one pixel of 144 off by 12
		ImagePlus truth = constantStack("truth", 100, 50);
		ImagePlus translated = constantStack("translated", 110, 50);
		translated.getStack().getProcessor(2).set(5, 5, 62);
		Path csv = dir.resolve("metrics.csv");
		CommandModule m = run(EvaluateCommand.class, "translated", translated, "ground_truth", truth, "csv_file", csv.toString());
		assertSucceeded(m);
		ResultsTable table = ResultsTable.getResultsTable();
		assertEquals(3, table.size());
		// PSNR = 10 log10(255^2 / MSE): MSE 100 gives 28.1308 dB, MSE 1 gives 48.1308 dB
		assertEquals(28.1308, table.getValue("psnr", 0), 1e-4);
		assertEquals(48.1308, table.getValue("psnr", 1), 1e-4);
		assertEquals(38.1308, table.getValue("psnr", 2), 1e-4);
		// MAE: 10, and 12 / 144
		assertEquals(10, table.getValue("mae", 0), 1e-9);
		assertEquals(12 / 144.0, table.getValue("mae", 1), 1e-9);
		assertEquals((10 + 12 / 144.0) / 2, table.getValue("mae", 2), 1e-9);
		// NRMSE = |error| / |reference|: 10 / 100, and 12 / (12 * 50)
		assertEquals(0.1, table.getValue("nrmse", 0), 1e-9);
		assertEquals(0.02, table.getValue("nrmse", 1), 1e-9);
		// constant images: SSIM = (2 * 100 * 110 + C1) / (100^2 + 110^2 + C1), C1 = (0.01 * 255)^2
		double c1 = 2.55 * 2.55;
		assertEquals((22000 + c1) / (22100 + c1), table.getValue("ssim", 0), 1e-9);
		assertEquals("mean", table.getStringValue("image", 2));
		assertEquals("2", table.getStringValue("slice", 1));
		List<String> lines = Files.readAllLines(csv);
		assertEquals("image,slice,psnr,ssim,nrmse,mae", lines.get(0));
		assertTrue(lines.get(1).startsWith("translated,1,28.1308,"), lines.get(1));
		assertTrue(lines.get(3).startsWith("mean,,38.1308,"), lines.get(3));
	}

	@Test
	void evaluatesFoldersMatchedByName() throws Exception {
		CommandModule m = run(EvaluateCommand.class, "translated_folder", pd.toString(), "ground_truth_folder", pd.toString(), "data_range",
				"0");
		assertSucceeded(m);
		ResultsTable table = ResultsTable.getResultsTable();
		assertEquals(3, table.size());
		assertEquals("a.png", table.getStringValue("image", 0));
		assertEquals(Double.POSITIVE_INFINITY, table.getValue("psnr", 2));
		assertEquals(1, table.getValue("ssim", 2), 1e-12);
	}

	@Test
	void modelInfoShowsWhatTheModelHolds() throws Exception {
		assertSucceeded(run(ModelInfoCommand.class, "model_file", greyModel.toString()));
		assertTrue(logged("Kind: pix2pix"));
		assertTrue(logged("unet_32"));
		assertTrue(logged("epoch    2"));
	}

	/** Runs a training command whose monitor is stopped by {@code stopper} at its first log line of iteration 1. */
	static CommandModule trainStoppedAtFirstIteration(Path model, Consumer<Module> stopper) throws Exception {
		CommandInfo info = commands.getCommand(TrainPix2PixCommand.class);
		Module module = modules.createModule(info);
		LogListener stopAtFirstIteration = message -> {
			if (String.valueOf(message.text()).startsWith("epoch 1/2 iter 1/8")) stopper.accept(module);
		};
		context.service(LogService.class).addLogListener(stopAtFirstIteration);
		try {
			return (CommandModule) modules.run(module, true, inputs(TINY, "input_folder", t1.toString(), "target_folder", pd.toString(),
					"model_file", model.toString(), "generator", "unet_32", "n_epochs_decay", "1")).get();
		} finally {
			context.service(LogService.class).removeLogListener(stopAtFirstIteration);
		}
	}

	@Test
	void cancellingStopsWithinOneIterationAndKeepsAResumableModel(@TempDir Path dir) throws Exception {
		Path model = dir.resolve("stopped.zip");
		CommandModule m = trainStoppedAtFirstIteration(model, module -> ((CommandModule) module).cancel("Stopped by the test"));
		assertTrue(m.isCanceled());
		assertEquals("Stopped by the test", m.getCancelReason());
		ModelDescription saved = ModelFile.describe(model);
		assertEquals(1, saved.iterationsDone, "stopped after the iteration during which it was cancelled");
		assertFalse(saved.finished);
		assertTrue(ModelFile.hasTrainingState(CheckpointFiles.checkpointOf(model)));
		assertEquals(1, ModelFile.describe(CheckpointFiles.checkpointOf(model)).iterationsDone);
		assertTrue(logged("Stopped after 1 iterations; saved " + model + " and stopped.checkpoint.zip; continue with 'resume'"));

		CommandModule resumed = run(TrainPix2PixCommand.class, inputs(TINY, "input_folder", t1.toString(), "target_folder", pd.toString(),
				"model_file", model.toString(), "resume", "true", "generator", "unet_32", "n_epochs_decay", "1", "ngf", "8"));
		assertSucceeded(resumed);
		ModelDescription done = ModelFile.describe(model);
		assertEquals(16, done.iterationsDone);
		assertEquals(2, done.history.size());
		assertTrue(done.finished);
		assertTrue(logged("Training 16 iterations (2 epochs of 8), 1 done already"));
		assertTrue(logged("Resuming keeps the saved training options; ignored: ngf"), "a changed option is reported as ignored");
	}

	@Test
	void interruptingTheCommandThreadStopsTrainingAndStillSaves(@TempDir Path dir) throws Exception {
		Path model = dir.resolve("interrupted.zip");
		CommandModule m = trainStoppedAtFirstIteration(model, module -> Thread.currentThread().interrupt());
		assertTrue(m.isCanceled(), "an interruption cancels the command");
		assertTrue(m.getCancelReason().startsWith("Stopped after 1 iterations"), m.getCancelReason());
		assertFalse(logged("InterruptedException"), "the interruption was handled");
		assertEquals(1, ModelFile.describe(model).iterationsDone);
		assertEquals(1, ModelFile.describe(CheckpointFiles.checkpointOf(model)).iterationsDone);
	}

	@Test
	void trainingInputsThatDoNotFitGiveOneLineEach(@TempDir Path dir) throws Exception {
		Path m = dir.resolve("m.zip");
		ImagePlus nuclei = open("imagej/nuclei-crop.tif");
		ImagePlus three = new ImagePlus("three slices", nuclei.getStack().crop(0, 0, 0, 64, 64, 3));
		assertFails(run(TrainPix2PixCommand.class, inputs(TINY, "input", nuclei, "target", three, "model_file", m.toString(), "generator",
				"unet_32")), "has 4 slices", "has 3", "paired by index");
		assertFails(run(TrainPix2PixCommand.class, inputs(TINY, "model_file", m.toString(), "generator", "unet_32")), "No image for input",
				"input_folder and target_folder");
		assertFails(run(TrainPix2PixCommand.class, inputs(TINY, "input_folder", t1.toString(), "model_file", m.toString())),
				"Give both input_folder and target_folder");
		assertFails(run(TrainPix2PixCommand.class, inputs(TINY, "input", nuclei, "target", nuclei, "model_file", m.toString(), "generator",
				"unet_32", "patch_size", "40")), "multiple of 32");
		assertFails(run(TrainCycleGanCommand.class, inputs(TINY, "domain_a", nuclei, "model_file", m.toString())), "No image for domain_b");
		assertFalse(Files.exists(m), "nothing written");

		assertFails(run(TrainPix2PixCommand.class, inputs(TINY, "input_folder", t1.toString(), "target_folder", pd.toString(), "model_file",
				greyModel.toString(), "generator", "unet_32")), "exists", "'resume'", "'overwrite'");
		assertFails(run(TrainPix2PixCommand.class, inputs(TINY, "input_folder", t1.toString(), "target_folder", pd.toString(), "model_file",
				m.toString(), "resume", "true")), "Nothing to resume");
		assertFails(run(TrainPix2PixCommand.class, inputs(TINY, "input_folder", t1.toString(), "target_folder", pd.toString(), "model_file",
				m.toString(), "resume", "true", "overwrite", "true")), "'resume' or 'overwrite', not both");
		assertFails(run(TrainCycleGanCommand.class, inputs(TINY, "domain_a_folder", t1.toString(), "domain_b_folder", pd.toString(),
				"model_file", greyModel.toString(), "resume", "true")), "holds a pix2pix run", "cannot be resumed as cyclegan");
		assertFails(run(TrainPix2PixCommand.class, inputs(TINY, "input_folder", dir.resolve("missing").toString(), "target_folder",
				pd.toString(), "model_file", m.toString(), "generator", "unet_32")), "missing does not exist (input_folder)");
		assertFails(run(TrainPix2PixCommand.class, "input", nuclei, "target", nuclei), "model file", "model_file");
		assertFalse(Files.exists(m), "nothing written");
	}

	@Test
	void translationInputsThatDoNotFitGiveOneLineEach(@TempDir Path dir) throws Exception {
		assertFails(run(TranslateImageCommand.class, "image", new ImagePlus(), "model_file", greyModel.toString()), "No image is open");
		assertFails(run(TranslateImageCommand.class, "model_file", greyModel.toString()), "No image is open");
		CommandModule noModel = run(ModelInfoCommand.class);
		assertTrue(noModel.isCanceled(), "SciJava asks for a lone missing file with a chooser, which is cancelled without a display");
		assertFails(run(TranslateImageCommand.class, "image", open("pairs/day/a.png"), "model_file", greyModel.toString()),
				"expects 1 channel", "is in colour (3 channels)", "convert it to grey");
		assertFails(run(TranslateImageCommand.class, "image", open("pairs/t1/a.png"), "model_file", colourModel.toString()),
				"expects 3 channels", "has 1 channel");
		assertFails(run(TranslateImageCommand.class, "image", open("pairs/t1/a.png"), "model_file", dir.resolve("none.zip").toString()),
				"none.zip does not exist");
		assertFails(run(TranslateImageCommand.class, "image", open("pairs/t1/a.png"), "model_file", greyModel.toString(), "direction",
				"B2A"), "has no direction B2A");
		Path text = dir.resolve("notes.txt");
		Files.write(text, "hello".getBytes(StandardCharsets.UTF_8));
		assertFails(run(ModelInfoCommand.class, "model_file", text.toString()), "not an Image Translation model");

		Path in = dir.resolve("in");
		Files.createDirectories(in);
		Files.copy(t1.resolve("a.png"), in.resolve("a.png"));
		assertFails(run(TranslateFolderCommand.class, "input_folder", in.toString(), "output_folder", in.resolve("out").toString(),
				"model_file", greyModel.toString()), "inside the input folder");
		assertFails(run(TranslateFolderCommand.class, "input_folder", in.toString(), "output_folder", dir.resolve("out").toString()),
				"Choose the model file (model_file)");
		assertFails(run(TranslateFolderCommand.class, "input_folder", dir.resolve("nowhere").toString(), "output_folder",
				dir.resolve("out").toString(), "model_file", greyModel.toString()), "nowhere does not exist (input_folder)");
		assertFalse(Files.exists(in.resolve("out")) || Files.exists(dir.resolve("out")), "nothing written");
	}

	@Test
	void evaluationInputsThatDoNotFitGiveOneLineEach() throws Exception {
		assertFails(run(EvaluateCommand.class, "translated", constantStack("two", 1, 2), "ground_truth", constantStack("three", 1, 2, 3)),
				"has 2 slices", "has 3");
		assertFails(run(EvaluateCommand.class, "translated", constantStack("one", 1)), "No image for ground_truth");
		assertFails(run(EvaluateCommand.class, "translated_folder", pd.toString()), "Give both translated_folder and ground_truth_folder");
	}

	@Test
	void aMacroOptionsStringWithBracketedPathsRunsTheCommand(@TempDir Path dir) throws Exception {
		Path in = dir.resolve("my images"), out = dir.resolve("translated images");
		Files.createDirectories(in);
		Files.copy(t1.resolve("a.png"), in.resolve("a.png"));
		CommandModule m = run(TranslateFolderCommand.class, macro(TranslateFolderCommand.class, "input_folder=[" + in + "] output_folder=[" + out
				+ "] model_file=[" + greyModel + "] pattern=[*.png] recursive=false overwrite=false direction=A2B output_type=32-bit format=tif"
				+ " write_into_input=false"));
		assertSucceeded(m);
		assertEquals(32, ImageFileReader.open(out.resolve("a.tif")).getBitDepth());
	}

	@Test
	void givenFoldersTheImageInputsAreNotAskedForAndViceVersa() throws Exception {
		CommandModule folders = run(TrainPix2PixCommand.class, "input_folder", t1.toString(), "target_folder", pd.toString(), "model_file",
				shared.resolve("never.zip").toString(), "generator", "unet_32", "patch_size", "40");
		assertFails(folders, "multiple of 32");
		assertTrue(folders.isInputResolved("input") && folders.isInputResolved("target"));
		CommandModule images = run(TrainCycleGanCommand.class, "domain_a", open("pairs/day/a.png"), "domain_b", open("pairs/night/a.png"),
				"model_file", shared.resolve("never.zip").toString(), "patch_size", "40", "generator", "unet_32");
		assertFails(images, "multiple of 32");
		assertTrue(images.isInputResolved("domain_a_folder") && images.isInputResolved("domain_b_folder"));
		CommandModule nothing = run(EvaluateCommand.class, "data_range", "0");
		assertFails(nothing, "No image for translated");
		assertFalse(nothing.isInputResolved("translated_folder") || nothing.isInputResolved("translated"), "a dialog asks for either");
	}

	/** The keys of each {@code run("Label", "...")} call of a macro, by label. */
	static Map<String, Set<String>> macroKeys(String macro) {
		Map<String, Set<String>> keys = new LinkedHashMap<>();
		Matcher call = Pattern.compile("run\\(\"([^\"]+)\",(.*?)\\);", Pattern.DOTALL).matcher(macro);
		while (call.find()) {
			Set<String> names = new TreeSet<>();
			Matcher key = Pattern.compile("([a-z][a-z0-9_]*)=").matcher(call.group(2));
			while (key.find())
				names.add(key.group(1));
			keys.put(call.group(1), names);
		}
		return keys;
	}

	/** The macro keys of a command: its inputs but services, messages and those in {@code unused}. */
	static Set<String> keysOf(Class<? extends Command> command, String... unused) {
		Set<String> keys = new TreeSet<>();
		for (ModuleItem<?> item : commands.getCommand(command).inputs())
			if (!org.scijava.service.Service.class.isAssignableFrom(item.getType()) && item.getType() != Context.class
					&& item.getVisibility() != ItemVisibility.MESSAGE)
				keys.add(item.getName());
		keys.removeAll(Arrays.asList(unused));
		return keys;
	}

	@Test
	void theScriptTemplatesGiveEveryKeyAndTheReadmeShowsThem() throws Exception {
		Map<String, Set<String>> expected = new LinkedHashMap<>();
		expected.put("Train pix2pix", keysOf(TrainPix2PixCommand.class, "input", "target"));
		expected.put("Model Info", keysOf(ModelInfoCommand.class));
		expected.put("Translate Folder", keysOf(TranslateFolderCommand.class));
		expected.put("Translate Image", keysOf(TranslateImageCommand.class));
		String readme = new String(Files.readAllBytes(Paths.get("README.md")), StandardCharsets.UTF_8);
		int calls = 0;
		for (String template : Arrays.asList("Train_pix2pix.ijm", "Translate_Folder.ijm", "Translate_Images_One_by_One.ijm")) {
			Path file = Paths.get(FijiCommandsTest.class.getResource("/script_templates/Image Translation/" + template).toURI());
			String macro = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
			for (Map.Entry<String, Set<String>> call : macroKeys(macro).entrySet()) {
				assertEquals(expected.get(call.getKey()), call.getValue(), template + ": " + call.getKey());
				calls++;
			}
			if (!template.contains("One_by_One"))
				for (String line : macro.split("\n"))
					if (line.startsWith("#@") || line.startsWith("run(") || line.startsWith("\t+"))
						assertTrue(readme.contains(line), "README shows " + template + ": " + line);
		}
		assertEquals(4, calls);
	}

	@Test
	void everyParameterIsAMacroKeyInLowerSnakeCaseAndNoneIsRemembered() {
		List<Class<? extends Command>> all = Arrays.asList(TrainPix2PixCommand.class, TrainCycleGanCommand.class, TranslateImageCommand.class,
				TranslateFolderCommand.class, EvaluateCommand.class, ModelInfoCommand.class);
		for (Class<? extends Command> c : all) {
			CommandInfo info = commands.getCommand(c);
			assertNotNull(info, c + " is found as a plugin");
			assertEquals(ImageTranslationCommand.MENU, info.getMenuPath().get(1).getName());
			for (ModuleItem<?> item : info.inputs()) {
				if (org.scijava.service.Service.class.isAssignableFrom(item.getType()) || item.getType() == Context.class) continue;
				assertTrue(item.getName().matches("[a-z][a-z0-9_]*"), c.getSimpleName() + "." + item.getName());
				assertFalse(item.isPersisted(), c.getSimpleName() + "." + item.getName() + " is remembered");
			}
		}
		assertEquals("input", firstInput(TrainPix2PixCommand.class));
		assertEquals("domain_a", firstInput(TrainCycleGanCommand.class));
		assertEquals("image", firstInput(TranslateImageCommand.class));
	}

	static String firstInput(Class<? extends Command> c) {
		for (ModuleItem<?> item : commands.getCommand(c).inputs())
			if (!org.scijava.service.Service.class.isAssignableFrom(item.getType()) && item.getType() != Context.class) return item.getName();
		return null;
	}

	@Test
	void everyTrainingOptionHasAParameterWithTheEngineDefault() {
		Pix2PixOptions p = new Pix2PixOptions();
		OptionFields.copy(new TrainPix2PixCommand(), p);
		assertEquals(new Pix2PixOptions().generator, p.generator);
		assertEquals(new Pix2PixOptions().lambdaL1, p.lambdaL1);
		CycleGanOptions c = new CycleGanOptions();
		OptionFields.copy(new TrainCycleGanCommand(), c);
		assertEquals(new CycleGanOptions().poolSize, c.poolSize);
		assertEquals(new CycleGanOptions().norm, c.norm);
	}
}
