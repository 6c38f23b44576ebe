package io.github.imagetranslation.cli;

import java.io.PrintStream;
import java.nio.file.Path;

import io.github.imagetranslation.engine.model.ModelFile;
import io.github.imagetranslation.engine.model.ModelSummary;

/** {@code info}: what a model file holds. */
final class InfoCommand implements CliCommand {

	@Override
	public String name() {
		return "info";
	}

	@Override
	public String summary() {
		return "show what a model file holds (kind, networks, channels, normalisation, training history)";
	}

	@Override
	public String help() {
		return "Usage: info --model FILE.zip\n\n" + summary() + ".\n";
	}

	@Override
	public int run(Arguments args, PrintStream out) throws Exception {
		Path model = args.requiredPath("model");
		args.checkAllUsed();
		out.print(ModelSummary.describe(ModelFile.describe(model), ModelFile.hasTrainingState(model)));
		return ExitCodes.OK;
	}
}
