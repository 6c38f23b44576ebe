package io.github.imagetranslation.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.github.imagetranslation.engine.io.AtomicFiles;
import io.github.imagetranslation.engine.metrics.MetricValues;
import io.github.imagetranslation.imagej.ImageComparison;

/** {@code evaluate}: PSNR, SSIM, NRMSE and MAE of translated images against ground truth. */
final class EvaluateCommand implements CliCommand {

	@Override
	public String name() {
		return "evaluate";
	}

	@Override
	public String summary() {
		return "compare translated images with ground truth (PSNR, SSIM, NRMSE, MAE per slice and mean)";
	}

	@Override
	public String help() {
		return "Usage: evaluate --translated PATH --ground_truth PATH [--csv FILE] [--data_range R]\n\n"
				+ summary() + ".\n\n"
				+ "  --translated PATH     an image or stack file, or a folder\n"
				+ "  --ground_truth PATH   the same kind: a file (matched slice by slice) or a folder (matched by name)\n"
				+ "  --csv FILE            also write the table as CSV\n"
				+ "  --data_range R        range for PSNR and SSIM (default: 255 for 8-bit, 65535 for 16-bit ground\n"
				+ "                        truth, max-min for 32-bit)\n";
	}

	@Override
	public int run(Arguments args, PrintStream out) throws Exception {
		Path translated = args.requiredPath("translated");
		Path truth = args.requiredPath("ground_truth");
		Path csv = args.path("csv");
		String range = args.get("data_range");
		Double dataRange = range == null ? null : args.number("data_range", 0);
		args.checkAllUsed();
		if (dataRange != null && !(dataRange > 0)) throw new UsageException("--data_range must be positive");
		List<String> unmatched = new ArrayList<>();
		List<ImageComparison.Row> rows = ImageComparison.compare(translated, truth, dataRange, unmatched);
		for (String u : unmatched)
			out.println("Warning: " + u);
		if (rows.isEmpty()) throw new IllegalArgumentException("Nothing to compare");
		out.printf(Locale.ROOT, "%-40s %5s %9s %8s %8s %10s%n", "image", "slice", "PSNR", "SSIM", "NRMSE", "MAE");
		for (ImageComparison.Row r : rows)
			print(out, r.image, Integer.toString(r.slice), r.values);
		print(out, "mean", "", ImageComparison.mean(rows));
		if (csv != null) {
			byte[] text = ImageComparison.csv(rows).getBytes(StandardCharsets.UTF_8);
			AtomicFiles.write(csv, o -> o.write(text));
			out.println("Wrote " + csv);
		}
		return ExitCodes.OK;
	}

	private static void print(PrintStream out, String image, String slice, MetricValues v) {
		out.printf(Locale.ROOT, "%-40s %5s %9.3f %8.4f %8.4f %10.4f%n", image, slice, v.psnr(), v.ssim(), v.nrmse(), v.mae());
	}
}
