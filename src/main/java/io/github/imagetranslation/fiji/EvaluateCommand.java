package io.github.imagetranslation.fiji;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.scijava.command.Command;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import io.github.imagetranslation.engine.io.AtomicFiles;
import io.github.imagetranslation.engine.metrics.MetricValues;
import io.github.imagetranslation.imagej.ImageComparison;

/**
 * Plugins &gt; Image Translation &gt; Evaluate: compares translated images with ground truth, two open images or
 * stacks (slice by slice) or two folders (files matched by name): PSNR, SSIM, NRMSE and MAE per slice and their
 * means, in ImageJ's Results table (which macros read with getResult and save with saveAs("Results", path)) and,
 * if asked, in a CSV file.
 */
@Plugin(type = Command.class, headless = true, label = "Evaluate", menu = { @Menu(label = "Plugins"),
		@Menu(label = ImageTranslationCommand.MENU), @Menu(label = "Evaluate", weight = 5) })
public class EvaluateCommand extends ImageTranslationCommand implements AlternativeInputs {

	@Parameter(label = "Translated image or stack", persist = false, required = false)
	private ImagePlus translated;

	@Parameter(label = "Ground truth image or stack", persist = false, required = false)
	private ImagePlus ground_truth;

	@Parameter(label = "Translated folder (instead of images)", required = false, persist = false, style = FileWidget.DIRECTORY_STYLE,
			description = "Compare the images of this folder with those of the same name in the ground truth folder")
	private File translated_folder;

	@Parameter(label = "Ground truth folder", required = false, persist = false, style = FileWidget.DIRECTORY_STYLE)
	private File ground_truth_folder;

	@Parameter(label = "Data range", persist = false,
			description = "Range for PSNR and SSIM; 0: the ground truth's bit depth (255, 65535) or, for 32-bit images, its max - min")
	private double data_range = 0;

	@Parameter(label = "CSV file (optional)", required = false, persist = false, style = FileWidget.SAVE_STYLE,
			description = "Also write the table to this file")
	private File csv_file;

	/**
	 * The other source once images or folders are given, and then also the CSV file if none was given: a macro
	 * that leaves it out wants no CSV (otherwise SciJava would open a file chooser for it, or, without a
	 * display, cancel the command without a word).
	 */
	@Override
	public List<String> unusedInputs() {
		List<String> unused = new ArrayList<>(unused(translated, ground_truth, "translated", "ground_truth", translated_folder,
				ground_truth_folder, "translated_folder", "ground_truth_folder"));
		if (!unused.isEmpty() && !isGiven(csv_file)) unused.add("csv_file");
		return unused;
	}

	@Override
	protected void execute() throws IOException {
		boolean a = isGiven(translated_folder), b = isGiven(ground_truth_folder);
		if (a != b)
			throw new IllegalArgumentException("Give both translated_folder and ground_truth_folder to compare folders, or neither to compare open images");
		if (data_range < 0) throw new IllegalArgumentException("data_range must be positive, or 0 for the ground truth's range");
		Double range = data_range > 0 ? data_range : null;
		List<ImageComparison.Row> rows;
		if (a) {
			requireFolder(translated_folder, "translated_folder");
			requireFolder(ground_truth_folder, "ground_truth_folder");
			List<String> unmatched = new ArrayList<>();
			rows = ImageComparison.compare(translated_folder.toPath(), ground_truth_folder.toPath(), range, unmatched);
			unmatched.forEach(this::warn);
		} else {
			if (!hasPixels(translated) || !hasPixels(ground_truth))
				throw new IllegalArgumentException("No image for " + (hasPixels(translated) ? "ground_truth" : "translated")
						+ ": open the translated and ground truth images, or give translated_folder and ground_truth_folder");
			rows = ImageComparison.compare(translated, ground_truth, range);
		}
		if (rows.isEmpty()) throw new IllegalArgumentException("Nothing to compare");
		ResultsTable table = MetricsTable.fill(ResultsTable.getResultsTable(), rows);
		if (!headless()) table.show("Results");
		if (isGiven(csv_file)) {
			byte[] text = ImageComparison.csv(rows).getBytes(StandardCharsets.UTF_8);
			AtomicFiles.write(csv_file.toPath(), out -> out.write(text));
			report("Wrote " + csv_file);
		}
		MetricValues mean = ImageComparison.mean(rows);
		report(String.format(Locale.ROOT, "Mean over %d slices: PSNR %.3f, SSIM %.4f, NRMSE %.4f, MAE %.4f", rows.size(), mean.psnr(),
				mean.ssim(), mean.nrmse(), mean.mae()));
	}
}
