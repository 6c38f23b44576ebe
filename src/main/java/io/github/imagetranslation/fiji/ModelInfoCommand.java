package io.github.imagetranslation.fiji;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;

import org.scijava.command.Command;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import io.github.imagetranslation.engine.model.ModelFile;
import io.github.imagetranslation.engine.model.ModelSummary;

/**
 * Plugins &gt; Image Translation &gt; Model Info: what a model file holds (kind, networks, channels, normalisation,
 * training progress and loss history), in ImageJ's Log window or, without a display, the log.
 */
@Plugin(type = Command.class, headless = true, label = "Model Info", menu = { @Menu(label = "Plugins"),
		@Menu(label = ImageTranslationCommand.MENU), @Menu(label = "Model Info", weight = 6) })
public class ModelInfoCommand extends ImageTranslationCommand {

	@Parameter(label = "Model file", required = false, persist = false, style = FileWidget.OPEN_STYLE)
	private File model_file;

	@Override
	protected void execute() throws IOException {
		Path model = required(model_file, "model_file", "the model file").toPath();
		report("Model " + model);
		for (String line : ModelSummary.describe(ModelFile.describe(model), ModelFile.hasTrainingState(model)).split("\n"))
			report(line);
	}
}
