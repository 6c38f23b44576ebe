package io.github.imagetranslation.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import ij.ImagePlus;
import io.github.imagetranslation.engine.infer.TiledTranslator;
import io.github.imagetranslation.engine.infer.TilingOptions;
import io.github.imagetranslation.engine.model.ModelFile;
import io.github.imagetranslation.engine.model.TranslationModel;
import io.github.imagetranslation.imagej.FolderTranslation;
import io.github.imagetranslation.imagej.ImageFileFormat;
import io.github.imagetranslation.imagej.ImageFileReader;
import io.github.imagetranslation.imagej.ImageFileWriter;
import io.github.imagetranslation.imagej.ImageTranslation;
import io.github.imagetranslation.imagej.OutputType;

/** {@code translate}: one image or stack file, or every image of a folder, with a trained model. */
final class TranslateCommand implements CliCommand {

	@Override
	public String name() {
		return "translate";
	}

	@Override
	public String summary() {
		return "translate an image, a stack or a folder of images with a trained model";
	}

	@Override
	public Set<String> flags() {
		return new HashSet<>(Arrays.asList("overwrite", "recursive"));
	}

	@Override
	public String help() {
		return "Usage: translate --model FILE.zip --input PATH --output PATH [options]\n\n"
				+ summary() + ".\n\n"
				+ "  --model FILE          a model trained by train-pix2pix or train-cyclegan\n"
				+ "  --input PATH          an image or stack file (TIFF, PNG, JPEG, GIF, BMP), or a folder of them\n"
				+ "  --output PATH         the output file (.tif or .png) or folder; a folder keeps the input's relative\n"
				+ "                        paths and names, as TIFF unless --format png\n"
				+ "  --direction D         A2B (default) or B2A (CycleGAN models only)\n"
				+ "  --output_type T       same (the input's bit depth, default), 8-bit, 16-bit or 32-bit\n"
				+ "  --overwrite           replace existing outputs (default: skip them, so a re-run resumes)\n"
				+ "  --pattern GLOB        folders: only files whose names match, e.g. \"*.tif\"\n"
				+ "  --recursive           folders: include sub-folders\n"
				+ "  --format F            folders: tif (default) or png\n"
				+ "  --write_into_input B  folders: allow the output folder inside the input folder (default false)\n"
				+ "  --tile_size N         images larger than N x N pixels are translated in overlapping tiles, blended\n"
				+ "                        without seams (default 0: chosen from the memory budget)\n"
				+ "  --tile_overlap N      pixels of overlap between tiles (default: from the network's receptive field)\n"
				+ "  --memory_mb N         native memory budget for the network's arrays (default 768)\n"
				+ "  --statistics_tiles N  tiled images: measure the network's normalisation statistics on an even spread\n"
				+ "                        of up to N tiles, as many as the memory budget holds at once (default 9;\n"
				+ "                        0: as many as it holds, every tile of an image that fits: exact)\n";
	}

	@Override
	public int run(Arguments args, PrintStream out) throws Exception {
		Path modelFile = args.requiredPath("model");
		Path input = args.requiredPath("input");
		Path output = args.requiredPath("output");
		String direction = args.get("direction", "A2B").toUpperCase(java.util.Locale.ROOT);
		OutputType type;
		try {
			type = OutputType.parse(args.get("output_type", "same"));
		} catch (IllegalArgumentException e) {
			throw new UsageException(e.getMessage());
		}
		boolean overwrite = args.flag("overwrite");
		FolderTranslation.Options folder = new FolderTranslation.Options();
		folder.overwrite = overwrite;
		folder.outputType = type;
		folder.recursive = args.flag("recursive");
		folder.pattern = args.get("pattern");
		folder.format = format(args.get("format", "tif"));
		String intoInput = args.get("write_into_input");
		folder.writeIntoInput = intoInput != null && Arguments.parseBoolean("write_into_input", intoInput);
		TilingOptions tiling = tilingOptions(args);
		args.checkAllUsed();

		TranslationModel model = ModelFile.load(modelFile, false);
		TiledTranslator translator = new TiledTranslator(model, direction, tiling);
		String modelName = modelFile.getFileName().toString();
		if (Files.isDirectory(input)) {
			FolderTranslation.Summary summary = FolderTranslation.run(input, output, translator, modelName, folder,
					new FolderTranslation.Listener() {
						@Override
						public void starting(int index, int total, Path file) {
							out.println(index + " of " + total + ": " + file);
						}

						@Override
						public void finished(int index, int total, String line) {
							out.println(line);
						}

						@Override
						public void log(String line) {
							out.println(line);
						}
					});
			out.println("Done: " + summary);
			return summary.failed > 0 ? ExitCodes.PARTIAL : ExitCodes.OK;
		}
		if (Files.isDirectory(output))
			throw new IOException("The output " + output + " is a folder; give an output file name for one image");
		if (Files.exists(output) && !overwrite)
			throw new IOException(output + " exists; use --overwrite to replace it");
		ImageFileWriter.requireDistinct(input, output);
		ImagePlus image = ImageFileReader.open(input);
		long start = System.nanoTime();
		ImagePlus result = ImageTranslation.translate(image, translator, type, ImageTranslation.title(image.getTitle(), modelName),
				new ImageTranslation.Progress() {
					@Override
					public void imageDone(int done, int total) {
						if (total > 1) out.println("image " + done + " of " + total);
					}

					private long lastReport = System.nanoTime();

					@Override
					public void tilesDone(int image, int images, int done, int total) {
						// a large image takes minutes: a line every few seconds, and the last one
						if (done < total && System.nanoTime() - lastReport < 5_000_000_000L) return;
						lastReport = System.nanoTime();
						out.printf(java.util.Locale.ROOT, "%stiles %d of %d (%.1f s)%n", images > 1 ? "image " + image + " of " + images + ": " : "",
								done, total, (lastReport - start) / 1e9);
					}
				});
		ImageFileWriter.write(result, output);
		out.printf(java.util.Locale.ROOT, "Wrote %s (%dx%d, %d planes, %d-bit) in %.1f s%n", output, result.getWidth(),
				result.getHeight(), result.getStackSize(), result.getBitDepth(), (System.nanoTime() - start) / 1e9);
		return ExitCodes.OK;
	}

	/** Tiling settings from --tile_size, --tile_overlap, --memory_mb and --statistics_tiles; unset ones stay automatic. */
	private static TilingOptions tilingOptions(Arguments args) throws UsageException {
		TilingOptions tiling = TilingOptions.automatic();
		try {
			Integer size = args.integer("tile_size"), overlap = args.integer("tile_overlap"), memory = args.integer("memory_mb");
			Integer statistics = args.integer("statistics_tiles");
			if (size != null) tiling = tiling.withTileSize(size);
			if (overlap != null) tiling = tiling.withOverlap(overlap);
			if (memory != null) tiling = tiling.withMemoryBudget((long) memory << 20);
			if (statistics != null) tiling = tiling.withStatisticsTiles(statistics);
		} catch (IllegalArgumentException e) {
			throw new UsageException(e.getMessage());
		}
		return tiling;
	}

	private static ImageFileFormat format(String name) throws UsageException {
		switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
			case "tif": case "tiff": return ImageFileFormat.TIFF;
			case "png": return ImageFileFormat.PNG;
			default: throw new UsageException("Unknown format '" + name + "': use tif or png");
		}
	}
}
