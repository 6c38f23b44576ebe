package io.github.imagetranslation.imagej;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import ij.ImagePlus;
import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.SampleType;
import io.github.imagetranslation.engine.metrics.ImageMetrics;
import io.github.imagetranslation.engine.metrics.MetricValues;

/**
 * Compares translated images with ground truth, slice by slice: PSNR, SSIM, NRMSE and MAE per slice and
 * their means. Images are matched slice by slice, folders by file name. The data range for PSNR and SSIM is
 * the ground truth's bit depth range (255, 65535) or, for 32-bit images, its max - min, unless given.
 */
public final class ImageComparison {

	/** Metrics of one slice. */
	public static final class Row {
		public final String image;
		public final int slice;
		public final MetricValues values;

		Row(String image, int slice, MetricValues values) {
			this.image = image;
			this.slice = slice;
			this.values = values;
		}
	}

	private ImageComparison() {}

	/**
	 * Metrics of each slice of {@code test} against the same slice of {@code reference}.
	 *
	 * @param dataRange the data range, or null for the reference's
	 * @throws IncompatibleImageException if the slice counts or sizes differ
	 */
	public static List<Row> compare(ImagePlus test, ImagePlus reference, Double dataRange) {
		SlicePairs pairs = SlicePairs.of(test, reference, true);
		SampleType type = PlaneConverter.sampleType(reference);
		List<Row> rows = new ArrayList<>();
		for (int i = 0; i < pairs.size(); i++) {
			FloatImage t = pairs.input(i), r = pairs.target(i);
			if (t.channels() != r.channels())
				throw new IncompatibleImageException("Slice " + (i + 1) + " of " + test.getTitle() + " has " + t.channels()
						+ " channels but the ground truth has " + r.channels());
			double range = dataRange != null ? dataRange : ImageMetrics.dataRange(type, r);
			rows.add(new Row(test.getTitle(), i + 1, ImageMetrics.all(r, t, range)));
		}
		return rows;
	}

	/**
	 * Metrics of the files of {@code test} against files of the same name in {@code reference} (files or
	 * folders); files without a partner are reported in {@code unmatched}.
	 */
	public static List<Row> compare(Path test, Path reference, Double dataRange, List<String> unmatched)
			throws ImageFileException {
		if (!Files.isDirectory(test) || !Files.isDirectory(reference)) {
			if (Files.isDirectory(test) || Files.isDirectory(reference))
				throw new ImageFileException("Compare a folder with a folder or a file with a file; " + test + " and " + reference + " differ");
			return compare(ImageFileReader.open(test), ImageFileReader.open(reference), dataRange);
		}
		FolderPairing pairing = ImageFolders.pair(test, reference);
		for (Path p : pairing.unmatchedInputs())
			unmatched.add(test.relativize(p) + " has no ground truth in " + reference);
		for (Path p : pairing.unmatchedTargets())
			unmatched.add(reference.relativize(p) + " has no translated image in " + test);
		List<Row> rows = new ArrayList<>();
		for (FilePair pair : pairing.pairs()) {
			ImagePlus t = ImageFileReader.open(pair.input());
			t.setTitle(test.relativize(pair.input()).toString());
			rows.addAll(compare(t, ImageFileReader.open(pair.target()), dataRange));
		}
		return rows;
	}

	/** Mean of every metric over {@code rows}. */
	public static MetricValues mean(List<Row> rows) {
		List<MetricValues> values = new ArrayList<>();
		for (Row r : rows)
			values.add(r.values);
		return MetricValues.mean(values);
	}

	/** The rows and their mean as CSV, one line per slice. */
	public static String csv(List<Row> rows) {
		StringBuilder s = new StringBuilder("image,slice,psnr,ssim,nrmse,mae\n");
		for (Row r : rows)
			s.append(line(quote(r.image), Integer.toString(r.slice), r.values));
		if (!rows.isEmpty()) s.append(line("mean", "", mean(rows)));
		return s.toString();
	}

	private static String line(String image, String slice, MetricValues v) {
		return String.format(Locale.ROOT, "%s,%s,%.4f,%.6f,%.6f,%.6f%n", image, slice, v.psnr(), v.ssim(), v.nrmse(), v.mae());
	}

	private static String quote(String s) {
		return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
	}
}
