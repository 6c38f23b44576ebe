package io.github.imagetranslation.imagej;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ij.ImagePlus;
import io.github.imagetranslation.engine.infer.TiledTranslator;

/**
 * Translates every image of a folder into another folder, one file at a time: each output keeps its input's
 * relative path and name (with the output format's extension), outputs that already exist are skipped unless
 * overwriting is asked for (so an interrupted run resumes by re-running it), files that fail are reported and
 * skipped, and nothing is written into the input folder unless asked. Outputs are written atomically.
 */
public final class FolderTranslation {

	/** What to translate and how to write it. */
	public static final class Options {
		/** Glob on file names, e.g. "*.tif"; null or "*" for all images. */
		public String pattern;
		public boolean recursive;
		public boolean overwrite;
		public OutputType outputType = OutputType.SAME;
		public ImageFileFormat format = ImageFileFormat.TIFF;
		/** Allow the output folder to be the input folder or inside it. */
		public boolean writeIntoInput;
	}

	/** Receives per-file progress and may cancel between files. */
	public interface Listener {
		Listener NONE = new Listener() {};

		/** Called before file {@code index} (1-based) of {@code total}. */
		default void starting(int index, int total, Path file) {}

		/** Called after file {@code index} of {@code total} was translated and written: what, its size and time. */
		default void finished(int index, int total, String line) {}

		/** A line for the log: a skipped or failed file. */
		default void log(String line) {}

		/** Polled between files and between tiles of a large image; a file not finished is not written. */
		default boolean isCancelled() { return false; }
	}

	/** Counts of what happened, and the failures with their reasons. */
	public static final class Summary {
		public int translated;
		public int skipped;
		public int failed;
		public boolean cancelled;
		public final List<String> failures = new ArrayList<>();

		public int total() {
			return translated + skipped + failed;
		}

		@Override
		public String toString() {
			return translated + " translated, " + skipped + " skipped (output exists), " + failed + " failed"
					+ (cancelled ? "; cancelled" : "");
		}
	}

	private FolderTranslation() {}

	/**
	 * Translates the images of {@code input} into {@code output}.
	 *
	 * @throws ImageFileException if the input folder is missing or holds no images, or the output folder is the
	 *         input folder (or inside it) without {@link Options#writeIntoInput}
	 */
	public static Summary run(Path input, Path output, TiledTranslator translator, String modelName, Options options,
			Listener listener) throws ImageFileException {
		Path in = input.toAbsolutePath().normalize(), out = output.toAbsolutePath().normalize();
		if (!options.writeIntoInput && out.startsWith(in))
			throw new ImageFileException("The output folder " + output + " is " + (out.equals(in) ? "the input folder" : "inside the input folder")
					+ "; choose another output folder (inputs are never overwritten)");
		if (Files.exists(out) && !Files.isDirectory(out))
			throw new ImageFileException("The output " + output + " is a file, not a folder");
		String glob = options.pattern == null || options.pattern.trim().isEmpty() ? null : options.pattern.trim();
		List<Path> files = ImageFolders.list(input, options.recursive, glob);
		Summary summary = new Summary();
		Map<Path, Path> claimed = new HashMap<>();
		for (int i = 0; i < files.size(); i++) {
			if (listener.isCancelled()) {
				summary.cancelled = true;
				break;
			}
			Path file = files.get(i);
			Path relative = in.relativize(file.toAbsolutePath().normalize());
			Path target = out.resolve(relative).resolveSibling(options.format.rename(relative.getFileName().toString()));
			listener.starting(i + 1, files.size(), relative);
			Path earlier = claimed.putIfAbsent(target, file);
			if (earlier != null) {
				fail(summary, listener, relative, "its output " + out.relativize(target) + " is also the output of "
						+ in.relativize(earlier) + "; rename one of them");
				continue;
			}
			if (!options.overwrite && Files.exists(target)) {
				summary.skipped++;
				listener.log("Skipped " + relative + ": " + out.relativize(target) + " exists");
				continue;
			}
			try {
				long start = System.nanoTime();
				ImagePlus image = ImageFileReader.open(file);
				ImagePlus result = ImageTranslation.translate(image, translator, options.outputType,
						ImageTranslation.title(image.getTitle(), modelName), new ImageTranslation.Progress() {
							@Override
							public boolean isCancelled() {
								return listener.isCancelled();
							}
						});
				ImageFileWriter.write(result, target, options.format);
				summary.translated++;
				listener.finished(i + 1, files.size(), String.format(Locale.ROOT, "Translated %s -> %s (%dx%d, %d plane%s, %d-bit) in %.2f s", relative,
						out.relativize(target), result.getWidth(), result.getHeight(), result.getStackSize(),
						result.getStackSize() == 1 ? "" : "s", result.getBitDepth(), (System.nanoTime() - start) / 1e9));
			} catch (ImageTranslation.CancelledException e) {
				summary.cancelled = true;
				break;
			} catch (ImageFileException | IllegalArgumentException e) {
				fail(summary, listener, relative, e.getMessage());
			}
		}
		return summary;
	}

	private static void fail(Summary summary, Listener listener, Path file, String reason) {
		summary.failed++;
		summary.failures.add(file + ": " + reason);
		listener.log("Failed " + file + ": " + reason);
	}
}
