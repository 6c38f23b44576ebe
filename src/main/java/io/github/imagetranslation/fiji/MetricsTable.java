package io.github.imagetranslation.fiji;

import java.util.List;

import ij.measure.ResultsTable;
import io.github.imagetranslation.engine.metrics.MetricValues;
import io.github.imagetranslation.imagej.ImageComparison;

/**
 * Comparison rows as an ImageJ results table: one row per slice (image, slice, psnr, ssim, nrmse, mae) and a
 * last row "mean" with the means. Column names are those of the command line's CSV.
 */
final class MetricsTable {

	private MetricsTable() {}

	/** Fills {@code table} (cleared first) with {@code rows} and their mean. */
	static ResultsTable fill(ResultsTable table, List<ImageComparison.Row> rows) {
		table.reset();
		for (ImageComparison.Row r : rows)
			add(table, r.image, Integer.toString(r.slice), r.values);
		if (!rows.isEmpty()) add(table, "mean", "", ImageComparison.mean(rows));
		return table;
	}

	private static void add(ResultsTable table, String image, String slice, MetricValues v) {
		table.incrementCounter();
		table.addValue("image", image);
		table.addValue("slice", slice);
		table.addValue("psnr", v.psnr());
		table.addValue("ssim", v.ssim());
		table.addValue("nrmse", v.nrmse());
		table.addValue("mae", v.mae());
	}
}
