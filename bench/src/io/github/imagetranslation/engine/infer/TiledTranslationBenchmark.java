package io.github.imagetranslation.engine.infer;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Locale;

import javax.imageio.ImageIO;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.Resampling;
import io.github.imagetranslation.engine.infer.TiledTranslator;
import io.github.imagetranslation.engine.infer.TilingOptions;
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

/**
 * Times tiled translation of a real RGB image scaled to one size with a resnet_9blocks generator (ngf 64,
 * instance norm, seeded random weights: the weights do not change the time) and reports seconds, megapixels
 * per second and the process's peak resident memory (VmHWM). Run one size per JVM (see run.sh), so that the
 * peak belongs to that size. Not a test.
 * <p>
 * Arguments: {@code size runs [tile|image] [image file]}. The default image is
 * {@code ../shared/data/day-night/earth.jpg} (relative to the repository root): its central 1024x1024
 * square is resized (bilinear) to {@code size x size}.
 */
public final class TiledTranslationBenchmark {

	public static void main(String[] args) throws Exception {
		int size = Integer.parseInt(args[0]);
		int runs = Integer.parseInt(args[1]);
		TilingOptions.LayerStatistics statistics = args.length > 2
				? TilingOptions.LayerStatistics.valueOf(args[2].toUpperCase(Locale.ROOT)) : TilingOptions.LayerStatistics.IMAGE;
		String file = args.length > 3 ? args[3] : "../shared/data/day-night/earth.jpg";

		FloatImage source = readRgb(file);
		int side = Math.min(1024, Math.min(source.width(), source.height()));
		FloatImage square = source.crop((source.width() - side) / 2, (source.height() - side) / 2, side, side);
		FloatImage image = Resampling.resize(square, size, size);
		TiledTranslator translator = new TiledTranslator(resnet9(), "A2B", TilingOptions.automatic().withLayerStatistics(statistics));

		long start = System.nanoTime();
		translator.translate(image.crop(0, 0, 256, 256));
		double warmUp = seconds(start);
		long baseline = vmHwmMegabytes();
		double[] times = new double[runs];
		for (int r = 0; r < runs; r++) {
			start = System.nanoTime();
			long cpuStart = processCpuNanos();
			FloatImage out = translator.translate(image);
			times[r] = seconds(start);
			if (out.width() != size) throw new IllegalStateException("wrong output size");
			System.out.printf(Locale.ROOT, "  run %d: %.1f s (process CPU time %.1f s)%n", r + 1, times[r],
					(processCpuNanos() - cpuStart) / 1e9);
		}
		Arrays.sort(times);
		double median = runs % 2 == 1 ? times[runs / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
		System.out.printf(Locale.ROOT,
				"size %d (%s statistics): %d tiles of %d, overlap %d, batch %d; warm-up (256 px) %.1f s; median of %d: %.1f s, "
						+ "%.4f MP/s; peak RSS %d MB (before the timed runs %d MB; Java heap committed %d MB)%n",
				size, statistics.name().toLowerCase(Locale.ROOT), translator.tileCount(size, size), translator.tileSize(),
				translator.overlap(), translator.batchSize(), warmUp, runs, median, (double) size * size / 1e6 / median,
				vmHwmMegabytes(), baseline, Runtime.getRuntime().totalMemory() >> 20);
	}

	/** resnet_9blocks, ngf 64, instance norm, RGB to RGB, intensities 0-255 in and out. */
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

	static FloatImage readRgb(String file) throws IOException {
		BufferedImage img = ImageIO.read(new File(file));
		if (img == null) throw new IOException("Cannot read " + file);
		int w = img.getWidth(), h = img.getHeight();
		FloatImage out = new FloatImage(3, h, w);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				int rgb = img.getRGB(x, y);
				out.set(0, y, x, (rgb >> 16) & 0xff);
				out.set(1, y, x, (rgb >> 8) & 0xff);
				out.set(2, y, x, rgb & 0xff);
			}
		return out;
	}

	/** CPU time of all this process's threads: on a busy machine a better measure of the work than wall time. */
	static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
	}

	static double seconds(long start) {
		return (System.nanoTime() - start) / 1e9;
	}

	/** Peak resident memory of this process so far, from /proc/self/status. */
	static long vmHwmMegabytes() throws IOException {
		for (String line : Files.readAllLines(Paths.get("/proc/self/status")))
			if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
		return -1;
	}
}
