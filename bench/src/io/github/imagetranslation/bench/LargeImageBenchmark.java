package io.github.imagetranslation.bench;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ColorProcessor;
import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.Resampling;
import io.github.imagetranslation.engine.infer.TiledTranslator;
import io.github.imagetranslation.engine.model.DomainDescription;
import io.github.imagetranslation.engine.model.ModelDescription;
import io.github.imagetranslation.engine.model.TranslationModel;
import io.github.imagetranslation.engine.nn.GeneratorSpec;
import io.github.imagetranslation.engine.nn.NormType;
import io.github.imagetranslation.engine.nn.ParameterStore;
import io.github.imagetranslation.engine.nn.SameDiffLayers;
import io.github.imagetranslation.engine.norm.IntensityRange;
import io.github.imagetranslation.engine.norm.NormalizationRule;
import io.github.imagetranslation.engine.random.SplitMix64;
import io.github.imagetranslation.imagej.FolderTranslation;
import io.github.imagetranslation.imagej.ImageFileReader;
import io.github.imagetranslation.imagej.ImageTranslation;
import io.github.imagetranslation.imagej.OutputType;

/**
 * Large-image rows: the production translation path ({@link TiledTranslator} with automatic settings, through
 * {@link ImageTranslation} and {@link FolderTranslation} where the row says so) with a ResNet-9 generator, ngf 64,
 * instance norm, seeded random weights (weights do not change the time), on the bundled real day/night map
 * (2048x1024 RGB).
 * <ul>
 * <li>{@code tiled-SIZE}: the map's central square scaled to SIZE x SIZE, one image;</li>
 * <li>{@code stack-200x512}: a 200-slice RGB stack of 512x512 windows of the map, translated as one ImagePlus;</li>
 * <li>{@code folder-500}: 500 PNG files of 128x128 windows, translated into another folder; the run is stopped
 * after 250 files and started again, which must skip the 250 finished outputs.</li>
 * </ul>
 * Usage: LargeImageBenchmark ROW [warmup] [runs]. Prints seconds, megapixels per second and resident memory.
 */
public final class LargeImageBenchmark {

	private static final Path MAP = Paths.get("src/main/resources/io/github/imagetranslation/samples/day-night/earth.jpg");

	public static void main(String[] args) throws Exception {
		String row = args[0];
		int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 1;
		int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
		FloatImage map = ImageFileReader.readPlanes(MAP).get(0);
		TiledTranslator translator = new TiledTranslator(resnet9(), "A2B");
		for (int i = 0; i < warmup; i++)
			translator.translate(map.crop(0, 0, 256, 256));
		if (row.startsWith("tiled-")) tiled(row, translator, map, Integer.parseInt(row.substring(6)), runs);
		else if (row.equals("stack-200x512")) stack(row, translator, map);
		else if (row.equals("folder-500")) folder(row, translator, map);
		else throw new IllegalArgumentException("Unknown row " + row);
	}

	private static void tiled(String row, TiledTranslator translator, FloatImage map, int size, int runs) throws IOException {
		int side = Math.min(map.width(), map.height());
		FloatImage image = Resampling.resize(map.crop((map.width() - side) / 2, (map.height() - side) / 2, side, side), size, size);
		List<Double> times = new ArrayList<>();
		long rssBefore = Measurement.rssMb();
		for (int r = 0; r < runs; r++) {
			long start = System.nanoTime();
			FloatImage out = translator.translate(image);
			times.add((System.nanoTime() - start) / 1e9);
			if (out.width() != size || out.height() != size) throw new IllegalStateException("wrong output size");
		}
		Collections.sort(times);
		double median = times.get(times.size() / 2);
		System.out.printf(Locale.ROOT,
				"%-18s median %7.1f s (min %.1f, max %.1f; %d runs) %6.3f MP/s; %d tiles of %d px, overlap %d, batch %d, "
						+ "statistics on up to %d tiles; resident before %d MB, peak RSS %d MB%n",
				row, median, times.get(0), times.get(times.size() - 1), runs, (double) size * size / 1e6 / median,
				translator.tileCount(size, size), translator.tileSize(), translator.overlap(), translator.batchSize(),
				translator.measuredTilesLimit(), rssBefore,
				Measurement.peakRssMb());
	}

	private static void stack(String row, TiledTranslator translator, FloatImage map) throws IOException {
		int n = 200, size = 512;
		ImageStack stack = new ImageStack(size, size);
		for (int i = 0; i < n; i++)
			stack.addSlice("window " + i, rgb(window(map, i, size)));
		ImagePlus image = new ImagePlus("map windows", stack);
		long[] rss = new long[n + 1];
		long start = System.nanoTime();
		ImagePlus result = ImageTranslation.translate(image, translator, OutputType.SAME, "translated", new ImageTranslation.Progress() {
			@Override
			public void imageDone(int done, int total) {
				rss[done] = rssOrMinusOne();
			}
		});
		double seconds = (System.nanoTime() - start) / 1e9;
		if (result.getStackSize() != n) throw new IllegalStateException("wrong slice count");
		long peak = Measurement.peakRssMb();
		// for comparison, after the stack so that it does not count in its memory: the plain whole-image translator on a
		// few slices, after one warm-up
		io.github.imagetranslation.engine.infer.Translator plain = new io.github.imagetranslation.engine.infer.Translator(resnet9(), "A2B");
		plain.translate(window(map, 0, size));
		List<Double> plainTimes = new ArrayList<>();
		for (int i = 1; i <= 3; i++) {
			long t0 = System.nanoTime();
			plain.translate(window(map, i, size));
			plainTimes.add((System.nanoTime() - t0) / 1e9);
		}
		Collections.sort(plainTimes);
		System.out.printf(Locale.ROOT,
				"%-18s %7.1f s for %d slices of %dx%d (%.2f s per slice; plain untiled Translator %.2f s) %6.3f MP/s; resident after "
						+ "slice 10 %d MB, 50 %d MB, 100 %d MB, 200 %d MB; peak RSS %d MB%n",
				row, seconds, n, size, size, seconds / n, plainTimes.get(1), (double) n * size * size / 1e6 / seconds, rss[10], rss[50],
				rss[100], rss[200], peak);
	}

	private static void folder(String row, TiledTranslator translator, FloatImage map) throws IOException {
		int n = 500, size = 128;
		Path dir = Files.createTempDirectory("folder-bench"), in = dir.resolve("in"), out = dir.resolve("out");
		Files.createDirectories(in);
		for (int i = 0; i < n; i++)
			ImageIO.write(rgb(window(map, i, size)).getBufferedImage(), "png", in.resolve(String.format(Locale.ROOT, "w%03d.png", i)).toFile());
		FolderTranslation.Options options = new FolderTranslation.Options();
		long[] rss = new long[n + 1];
		int[] finished = { 0 };
		FolderTranslation.Listener listener = new FolderTranslation.Listener() {
			@Override
			public void finished(int index, int total, String line) {
				finished[0]++;
				rss[index] = rssOrMinusOne();
				if (index == 1 || index % 100 == 0) System.out.println("  " + line);
			}

			@Override
			public boolean isCancelled() {
				return finished[0] >= n / 2;
			}
		};
		long start = System.nanoTime();
		FolderTranslation.Summary first = FolderTranslation.run(in, out, translator, "bench", options, listener);
		double firstSeconds = (System.nanoTime() - start) / 1e9;
		finished[0] = Integer.MIN_VALUE;
		start = System.nanoTime();
		FolderTranslation.Summary second = FolderTranslation.run(in, out, translator, "bench", options, listener);
		double secondSeconds = (System.nanoTime() - start) / 1e9;
		long written;
		try (java.util.stream.Stream<Path> files = Files.list(out)) {
			written = files.count();
		}
		System.out.printf(Locale.ROOT,
				"%-18s stopped run: %s in %.1f s; re-run: %s in %.1f s; %d outputs; %.3f s per translated file; "
						+ "resident after file 10 %d MB, 100 %d MB, 250 %d MB, 400 %d MB, 500 %d MB; peak RSS %d MB%n",
				row, first, firstSeconds, second, secondSeconds, written, (firstSeconds + secondSeconds) / n, rss[10], rss[100],
				rss[250], rss[400], rss[500], Measurement.peakRssMb());
	}

	/** Window {@code i} of {@code size} x {@code size} pixels of the map, at offsets spread over it. */
	private static FloatImage window(FloatImage map, int i, int size) {
		int x = (int) ((i * 389L) % (map.width() - size)), y = (int) ((i * 211L) % (map.height() - size));
		return map.crop(x, y, size, size);
	}

	private static ColorProcessor rgb(FloatImage image) {
		int w = image.width(), h = image.height();
		int[] pixels = new int[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				int r = clamp(image.get(0, y, x)), g = clamp(image.get(1, y, x)), b = clamp(image.get(2, y, x));
				pixels[y * w + x] = 0xff000000 | r << 16 | g << 8 | b;
			}
		return new ColorProcessor(w, h, pixels);
	}

	private static int clamp(float v) {
		return Math.max(0, Math.min(255, Math.round(v)));
	}

	private static long rssOrMinusOne() {
		try {
			return Measurement.rssMb();
		} catch (IOException e) {
			return -1;
		}
	}

	/** resnet_9blocks, ngf 64, instance norm, RGB to RGB, intensities 0-255 in and out, seeded random weights. */
	static TranslationModel resnet9() {
		GeneratorSpec spec = GeneratorSpec.named("resnet_9blocks", 64, NormType.INSTANCE, 0, 3, 3);
		ParameterStore store = new ParameterStore(new SplitMix64(1));
		SameDiff sd = SameDiff.create();
		SDVariable in = sd.placeHolder("in", DataType.FLOAT, -1, 3, -1, -1);
		spec.build(new SameDiffLayers(sd, store, spec.norm(), false), ModelDescription.generatorPrefix("A2B"), in, 1, 1);
		ModelDescription d = new ModelDescription();
		d.kind = ModelDescription.CYCLEGAN;
		d.domains.put("A", new DomainDescription(3, "UINT8", NormalizationRule.fixed(0, 255), IntensityRange.of(0, 255, true)));
		d.domains.put("B", new DomainDescription(3, "UINT8", NormalizationRule.fixed(0, 255), IntensityRange.of(0, 255, true)));
		d.generators.put("A2B", spec);
		return new TranslationModel(d, store.arrays(), null);
	}
}
