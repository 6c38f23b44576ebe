package io.github.imagetranslation.fiji;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import ij.ImagePlus;
import io.github.imagetranslation.engine.infer.TiledTranslator;
import io.github.imagetranslation.engine.infer.TilingOptions;
import io.github.imagetranslation.engine.model.ModelFile;
import io.github.imagetranslation.imagej.ImageTranslation;
import io.github.imagetranslation.imagej.OutputType;

/**
 * Plugins &gt; Image Translation &gt; Translate Image: translates an image, stack or hyperstack (the active image
 * by default) with a trained model into a new image titled from the image and the model, with the same
 * dimensions, calibration and slice labels; every plane (channel, slice, frame) is translated. The result is
 * shown, so that it becomes the current image, also in a batch macro.
 */
@Plugin(type = Command.class, headless = true, label = "Translate Image", menu = { @Menu(label = "Plugins"),
		@Menu(label = ImageTranslationCommand.MENU), @Menu(label = "Translate Image", weight = 3) })
public class TranslateImageCommand extends ImageTranslationCommand {

	@Parameter(label = "Image", persist = false, required = false, description = "The image, stack or hyperstack to translate")
	private ImagePlus image;

	@Parameter(label = "Model file", required = false, persist = false, style = FileWidget.OPEN_STYLE, description = "A model trained by Train pix2pix or Train CycleGAN (.zip)")
	private File model_file;

	@Parameter(label = "Direction", choices = { "A2B", "B2A" }, persist = false, description = "B2A (domain B to A) for CycleGAN models only")
	private String direction = "A2B";

	@Parameter(label = "Output bit depth", choices = { "same", "8-bit", "16-bit", "32-bit" }, persist = false,
			description = "same: the input's bit depth, in the model's target intensity range")
	private String output_type = "same";

	@Parameter(label = "Tile size (0 = automatic)", min = "0", persist = false, description = "Images larger than this are translated in overlapping tiles; automatic chooses from a 768 MB memory budget")
	private int tile_size;

	@Parameter(type = ItemIO.OUTPUT, label = "Translated image")
	private ImagePlus translated;

	@Override
	protected void execute() throws IOException {
		if (!hasPixels(image)) throw new IllegalArgumentException("No image is open; open the image to translate (image)");
		Path model = required(model_file, "model_file", "the model file").toPath();
		OutputType type = OutputType.parse(output_type);
		showStatus("Loading " + model.getFileName() + "...");
		TiledTranslator translator = new TiledTranslator(ModelFile.load(model, false), direction.trim().toUpperCase(Locale.ROOT),
				TilingOptions.automatic().withTileSize(tile_size));
		String title = ImageTranslation.title(image.getTitle(), model.getFileName().toString());
		try {
			translated = ImageTranslation.translate(image, translator, type, title, new ImageTranslation.Progress() {
				@Override
				public void imageDone(int done, int total) {
					showStatus(done, total, "Translated " + done + " of " + total);
				}

				@Override
				public void tilesDone(int image, int images, int done, int total) {
					showStatus(done, total, (images > 1 ? "Image " + image + " of " + images + ": tile " : "Tile ") + done + " of " + total);
				}

				@Override
				public boolean isCancelled() {
					return stopRequested();
				}
			});
		} catch (ImageTranslation.CancelledException e) {
			stopped(e.getMessage());
			return;
		}
		show(translated);
	}
}
