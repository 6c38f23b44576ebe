package io.github.imagetranslation.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import io.github.imagetranslation.engine.data.ImagePair;
import io.github.imagetranslation.engine.data.PairedTrainingData;
import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.Montage;
import io.github.imagetranslation.engine.image.SampleType;
import io.github.imagetranslation.engine.infer.Translator;
import io.github.imagetranslation.engine.io.AtomicFiles;
import io.github.imagetranslation.engine.metrics.ImageMetrics;
import io.github.imagetranslation.engine.metrics.MetricValues;
import io.github.imagetranslation.engine.model.ModelFile;
import io.github.imagetranslation.engine.norm.NormalizationRule;
import io.github.imagetranslation.engine.train.Pix2PixOptions;
import io.github.imagetranslation.engine.train.Pix2PixTrainer;
import io.github.imagetranslation.imagej.ImageFileReader;
import io.github.imagetranslation.imagej.ImageFileWriter;
import io.github.imagetranslation.imagej.PlaneConverter;
import io.github.imagetranslation.imagej.TrainingLog;

/**
 * {@code demo}: the main job on the bundled sample. Trains pix2pix day -> night on the Earth maps west of
 * 90 degrees east for a few minutes, translates the held-out band east of it, and compares the result with
 * the real night map, the untrained model and the day image itself.
 */
final class DemoCommand implements CliCommand {

	private static final String SAMPLES = "/io/github/imagetranslation/samples/day-night/";

	@Override
	public String name() {
		return "demo";
	}

	@Override
	public String summary() {
		return "train day -> night on the bundled Earth maps for a few minutes and translate a held-out region";
	}

	@Override
	public String help() {
		return "Usage: demo [--output DIR] [--minutes M] [--iterations N] [--ngf N]\n\n"
				+ summary() + ".\n\n"
				+ "  --output DIR      where to write the data, model and results (default: image-translation-demo)\n"
				+ "  --minutes M       training time budget (default 3)\n"
				+ "  --iterations N    train exactly N iterations instead of a time budget\n"
				+ "  --ngf N           generator width (default 64)\n\n"
				+ "The sample is the day and night Earth maps of Debian's xplanet-images (GPL-2+, Hari Nair).\n";
	}

	@Override
	public int run(Arguments args, PrintStream out) throws Exception {
		Path dir = Paths.get(args.get("output", "image-translation-demo"));
		double minutes = args.number("minutes", 3);
		Integer iterations = args.integer("iterations");
		Integer ngf = args.integer("ngf");
		args.checkAllUsed();
		if (!(minutes > 0)) throw new UsageException("--minutes must be positive");

		Path day = extract(dir.resolve("data"), "earth.jpg");
		Path night = extract(dir.resolve("data"), "night.jpg");
		FloatImage dayMap = PlaneConverter.toFloatImages(ImageFileReader.open(day), true).get(0);
		FloatImage nightMap = PlaneConverter.toFloatImages(ImageFileReader.open(night), true).get(0);
		// longitudes -180..90 (three quarters of the map) for training, 90..180 held out
		int split = dayMap.width() * 3 / 4;
		FloatImage trainDay = dayMap.crop(0, 0, split, dayMap.height());
		FloatImage trainNight = nightMap.crop(0, 0, split, nightMap.height());
		FloatImage testDay = dayMap.crop(split, 0, dayMap.width() - split, dayMap.height());
		FloatImage testNight = nightMap.crop(split, 0, nightMap.width() - split, nightMap.height());

		Pix2PixOptions options = new Pix2PixOptions();
		options.generator = "unet_128";
		options.patchSize = 128;
		options.nEpochs = 1000;
		options.nEpochsDecay = 0;
		if (ngf != null) options.ngf = ngf;
		PairedTrainingData data = new PairedTrainingData(
				Collections.singletonList(new ImagePair("west of 90E", trainDay, trainNight)), SampleType.UINT8, SampleType.UINT8,
				NormalizationRule.parse(options.inputNormalization), NormalizationRule.parse(options.targetNormalization),
				options.patchSize);
		Pix2PixTrainer trainer = new Pix2PixTrainer(options, data);
		FloatImage untrained = new Translator(trainer.model(false), "A2B").translate(testDay);

		long deadline = System.nanoTime() + (long) (minutes * 60e9);
		int[] budget = { iterations == null ? Integer.MAX_VALUE : iterations };
		out.println("Training pix2pix (" + options.generator + ", ngf " + options.ngf + ", " + options.patchSize + " px patches) on "
				+ split + "x" + dayMap.height() + " px of the day/night maps for "
				+ (iterations == null ? minutes + " minutes" : iterations + " iterations") + "...");
		try (Interruption interruption = new Interruption()) {
			TrainingLog console = new TrainingLog(out::println, 15, () -> interruption.requested()
					|| trainer.iterationsDone() >= budget[0] || (iterations == null && System.nanoTime() > deadline),
					iterations == null ? deadline : 0);
			trainer.train(console, null, 0);
			Path model = dir.resolve("day2night.zip");
			ModelFile.save(trainer.model(false), model);
			out.println("Saved " + model + " after " + trainer.iterationsDone() + " iterations");
			if (interruption.requested()) return ExitCodes.CANCELLED;
		}

		FloatImage translated = new Translator(trainer.model(false), "A2B").translate(testDay);
		for (FloatImage f : new FloatImage[] { translated, untrained })
			for (int i = 0; i < f.data().length; i++)
				f.data()[i] = SampleType.UINT8.represent(f.data()[i]);
		ImageFileWriter.write(Collections.singletonList(testDay), SampleType.UINT8, dir.resolve("heldout-day.tif"));
		ImageFileWriter.write(Collections.singletonList(testNight), SampleType.UINT8, dir.resolve("heldout-night.tif"));
		ImageFileWriter.write(Collections.singletonList(translated), SampleType.UINT8, dir.resolve("heldout-night-translated.tif"));
		FloatImage montage = Montage.grid(Collections.singletonList(Arrays.asList(testDay, translated, testNight)), 8, 255);
		ImageFileWriter.write(Collections.singletonList(montage), SampleType.UINT8, dir.resolve("comparison.png"));

		out.println();
		out.println("Held-out region (longitudes 90E-180E) against the real night map:");
		out.printf(Locale.ROOT, "  %-26s %8s %8s%n", "", "PSNR", "SSIM");
		List<String> names = Arrays.asList("trained model", "untrained model", "identity (the day image)");
		List<FloatImage> candidates = Arrays.asList(translated, untrained, testDay);
		for (int i = 0; i < names.size(); i++) {
			MetricValues m = ImageMetrics.all(testNight, candidates.get(i), 255);
			out.printf(Locale.ROOT, "  %-26s %8.2f %8.4f%n", names.get(i), m.psnr(), m.ssim());
		}
		out.println("Wrote " + dir.resolve("comparison.png") + " (day | translated | real night) and the held-out images.");
		return ExitCodes.OK;
	}

	private static Path extract(Path dir, String name) throws IOException {
		Path file = dir.resolve(name);
		if (Files.isRegularFile(file)) return file;
		try (InputStream in = DemoCommand.class.getResourceAsStream(SAMPLES + name)) {
			if (in == null) throw new IOException("The bundled sample " + name + " is missing from this build");
			AtomicFiles.write(file, out -> {
				byte[] buffer = new byte[1 << 16];
				int n;
				while ((n = in.read(buffer)) > 0)
					out.write(buffer, 0, n);
			});
		}
		return file;
	}
}
