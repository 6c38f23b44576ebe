package io.github.imagetranslation.fiji;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

import org.scijava.command.Command;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import io.github.imagetranslation.engine.infer.TiledTranslator;
import io.github.imagetranslation.engine.infer.TilingOptions;
import io.github.imagetranslation.engine.model.ModelFile;
import io.github.imagetranslation.imagej.FolderTranslation;
import io.github.imagetranslation.imagej.ImageFileFormat;
import io.github.imagetranslation.imagej.OutputType;

/**
 * Plugins &gt; Image Translation &gt; Translate Folder: translates every image of a folder into another folder
 * ({@link FolderTranslation}): outputs keep the inputs' relative paths and names, existing outputs are skipped
 * unless overwriting is asked for (so re-running resumes), files that fail are reported and skipped, and the
 * output folder may not be inside the input folder unless allowed. Shows "i of n" progress and a summary.
 */
@Plugin(type = Command.class, headless = true, label = "Translate Folder", menu = { @Menu(label = "Plugins"),
		@Menu(label = ImageTranslationCommand.MENU), @Menu(label = "Translate Folder", weight = 4) })
public class TranslateFolderCommand extends ImageTranslationCommand {

	@Parameter(label = "Input folder", required = false, style = FileWidget.DIRECTORY_STYLE, persist = false)
	private File input_folder;

	@Parameter(label = "Output folder", required = false, style = FileWidget.DIRECTORY_STYLE, persist = false, description = "Created if missing; the input folder is never written to")
	private File output_folder;

	@Parameter(label = "Model file", required = false, persist = false, style = FileWidget.OPEN_STYLE, description = "A model trained by Train pix2pix or Train CycleGAN (.zip)")
	private File model_file;

	@Parameter(label = "File pattern", required = false, persist = false, description = "Only files whose names match, e.g. *.tif; empty for all images")
	private String pattern = "";

	@Parameter(label = "Include sub-folders", persist = false)
	private boolean recursive;

	@Parameter(label = "Overwrite existing outputs", persist = false, description = "Otherwise existing outputs are skipped, so a re-run resumes")
	private boolean overwrite;

	@Parameter(label = "Direction", choices = { "A2B", "B2A" }, persist = false, description = "B2A (domain B to A) for CycleGAN models only")
	private String direction = "A2B";

	@Parameter(label = "Output bit depth", choices = { "same", "8-bit", "16-bit", "32-bit" }, persist = false,
			description = "same: each input's bit depth, in the model's target intensity range")
	private String output_type = "same";

	@Parameter(label = "Output format", choices = { "tif", "png" }, persist = false)
	private String format = "tif";

	@Parameter(label = "Allow output inside the input folder", persist = false)
	private boolean write_into_input;

	@Parameter(label = "Tile size (0 = automatic)", min = "0", persist = false, description = "Images larger than this are translated in overlapping tiles; automatic chooses from a 768 MB memory budget")
	private int tile_size;

	@Override
	protected void execute() throws IOException {
		Path input = requireFolder(input_folder, "input_folder").toPath();
		Path output = required(output_folder, "output_folder", "the output folder").toPath();
		Path model = required(model_file, "model_file", "the model file").toPath();
		FolderTranslation.Options options = new FolderTranslation.Options();
		options.pattern = pattern;
		options.recursive = recursive;
		options.overwrite = overwrite;
		options.outputType = OutputType.parse(output_type);
		options.format = ImageFileFormat.ofFileName("output." + format.trim()).filter(ImageFileFormat::writable)
				.orElseThrow(() -> new IllegalArgumentException("Unknown output format '" + format + "': use tif or png"));
		options.writeIntoInput = write_into_input;
		showStatus("Loading " + model.getFileName() + "...");
		TiledTranslator translator = new TiledTranslator(ModelFile.load(model, false), direction.trim().toUpperCase(Locale.ROOT),
				TilingOptions.automatic().withTileSize(tile_size));
		FolderTranslation.Summary summary = FolderTranslation.run(input, output, translator, model.getFileName().toString(), options,
				new FolderTranslation.Listener() {
					@Override
					public void starting(int index, int total, Path file) {
						String line = index + " of " + total + ": " + file;
						showStatus(index - 1, total, "Translating " + line);
						logProgress(line);
					}

					@Override
					public void finished(int index, int total, String line) {
						logProgress(line);
					}

					@Override
					public void log(String line) {
						warn(line);
					}

					@Override
					public boolean isCancelled() {
						return stopRequested();
					}
				});
		String outcome = "Translated " + input + " into " + output + ": " + summary;
		report(outcome);
		if (summary.cancelled) stopped(outcome);
	}
}
