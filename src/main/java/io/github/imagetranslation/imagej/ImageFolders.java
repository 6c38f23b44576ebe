package io.github.imagetranslation.imagej;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.PatternSyntaxException;

/**
 * Finds the image files of a folder, and pairs the files of two folders by name for paired training data.
 * Image files are recognised by extension (see {@link ImageFileFormat}); other files are ignored, as are hidden
 * files and folders (names starting with a dot).
 */
public final class ImageFolders {

	private ImageFolders() {}

	/** The image files directly in {@code folder}, sorted by name. */
	public static List<Path> list(Path folder) throws ImageFileException {
		return list(folder, false, null);
	}

	/**
	 * The image files in {@code folder}, sorted by their path relative to it ("a.tif" before "b/a.tif", then
	 * character by character, so "img10" sorts before "img2").
	 *
	 * @param recursive whether to look into sub-folders (except hidden ones)
	 * @param glob      a pattern the file name must match, e.g. "*.tif" or "day_*.{png,jpg}"; null or empty for all
	 * @throws ImageFileException if the folder does not exist, is a file, or holds no matching image file
	 */
	public static List<Path> list(Path folder, boolean recursive, String glob) throws ImageFileException {
		requireFolder(folder);
		PathMatcher matcher = matcher(glob);
		List<Path> files = new ArrayList<>();
		collect(folder, recursive, matcher, files);
		files.sort((a, b) -> relativeName(folder, a).compareTo(relativeName(folder, b)));
		if (files.isEmpty())
			throw new ImageFileException("Folder " + folder + " contains no image files"
					+ (matcher != null ? " matching " + glob : "") + " (looked for " + extensionList() + (recursive ? ", in sub-folders too" : "") + ")");
		return files;
	}

	/**
	 * Pairs the image files of {@code inputs} and {@code targets} whose names without extension are equal
	 * (in sub-folders: whose relative paths without extension are equal), so "day/a.png" pairs with
	 * "night/a.tif". Files without a partner are returned for the caller to report.
	 *
	 * @throws ImageFileException if a folder is missing or empty, a folder holds two files of the same name
	 *         without extension, or no file has a partner
	 */
	public static FolderPairing pair(Path inputs, Path targets, boolean recursive, String glob) throws ImageFileException {
		Map<String, Path> inputByKey = byKey(inputs, list(inputs, recursive, glob));
		Map<String, Path> targetByKey = byKey(targets, list(targets, recursive, glob));
		List<FilePair> pairs = new ArrayList<>();
		List<Path> unmatchedInputs = new ArrayList<>();
		for (Map.Entry<String, Path> entry : inputByKey.entrySet()) {
			Path target = targetByKey.get(entry.getKey());
			if (target != null) pairs.add(new FilePair(entry.getValue(), target));
			else unmatchedInputs.add(entry.getValue());
		}
		List<Path> unmatchedTargets = new ArrayList<>();
		for (Map.Entry<String, Path> entry : targetByKey.entrySet())
			if (!inputByKey.containsKey(entry.getKey())) unmatchedTargets.add(entry.getValue());
		if (pairs.isEmpty())
			throw new ImageFileException("No file in " + inputs + " has a partner of the same name in " + targets
					+ "; pairs are matched by file name without extension (e.g. " + example(inputByKey) + ")");
		return new FolderPairing(pairs, unmatchedInputs, unmatchedTargets);
	}

	/** Pairs the image files directly in {@code inputs} and {@code targets}; see {@link #pair(Path, Path, boolean, String)}. */
	public static FolderPairing pair(Path inputs, Path targets) throws ImageFileException {
		return pair(inputs, targets, false, null);
	}

	private static void requireFolder(Path folder) throws ImageFileException {
		if (!Files.exists(folder)) throw new ImageFileException("Folder " + folder + " does not exist");
		if (!Files.isDirectory(folder)) throw new ImageFileException(folder + " is a file, not a folder");
	}

	private static PathMatcher matcher(String glob) throws ImageFileException {
		if (glob == null || glob.isEmpty()) return null;
		try {
			return FileSystems.getDefault().getPathMatcher("glob:" + glob);
		} catch (PatternSyntaxException e) {
			throw new ImageFileException("The file pattern \"" + glob + "\" is not valid: " + e.getDescription());
		}
	}

	private static void collect(Path folder, boolean recursive, PathMatcher matcher, List<Path> files) throws ImageFileException {
		List<Path> subFolders = new ArrayList<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
			for (Path entry : entries) {
				String name = entry.getFileName().toString();
				if (name.startsWith(".")) continue;
				if (Files.isDirectory(entry)) {
					if (recursive) subFolders.add(entry);
				} else if (Files.isRegularFile(entry) && ImageFileFormat.ofFileName(name).isPresent()
						&& (matcher == null || matcher.matches(entry.getFileName()))) {
					files.add(entry);
				}
			}
		} catch (IOException e) {
			throw new ImageFileException("Folder " + folder + " cannot be listed: " + ImageFileReader.describe(e), e);
		}
		for (Path sub : subFolders) collect(sub, true, matcher, files);
	}

	private static String relativeName(Path folder, Path file) {
		return folder.relativize(file).toString().replace('\\', '/');
	}

	private static Map<String, Path> byKey(Path folder, List<Path> files) throws ImageFileException {
		Map<String, Path> byKey = new LinkedHashMap<>();
		for (Path file : files) {
			String key = ImageFileFormat.baseName(relativeName(folder, file));
			Path other = byKey.put(key, file);
			if (other != null)
				throw new ImageFileException("Folder " + folder + " holds both " + folder.relativize(other) + " and "
						+ folder.relativize(file) + "; pairs are matched by file name without extension, so rename or remove one");
		}
		return byKey;
	}

	private static String example(Map<String, Path> inputByKey) {
		String key = inputByKey.keySet().iterator().next();
		return "\"" + key + ".png\" pairs with \"" + key + ".tif\"";
	}

	private static String extensionList() {
		List<String> extensions = new ArrayList<>();
		for (ImageFileFormat format : ImageFileFormat.values())
			for (String e : format.extensions()) extensions.add("." + e);
		return String.join(" ", Collections.unmodifiableList(extensions));
	}
}
