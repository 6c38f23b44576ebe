package io.github.imagetranslation.imagej;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The image file formats this plugin reads, with their usual file name extensions. TIFF and PNG can also be
 * written; TIFF is the default output because it holds stacks and every sample type losslessly.
 */
public enum ImageFileFormat {
	TIFF(true, "tif", "tiff"),
	PNG(true, "png"),
	JPEG(false, "jpg", "jpeg"),
	GIF(false, "gif"),
	BMP(false, "bmp");

	/** The formats listed for users, e.g. in "supported: TIFF, PNG, JPEG, GIF, BMP". */
	public static final String SUPPORTED = "TIFF, PNG, JPEG, GIF, BMP";

	private final boolean writable;
	private final List<String> extensions;

	ImageFileFormat(boolean writable, String... extensions) {
		this.writable = writable;
		this.extensions = Collections.unmodifiableList(Arrays.asList(extensions));
	}

	/** Lower-case extensions without the dot; the first is the one used for new files. */
	public List<String> extensions() { return extensions; }

	/** Whether {@link ImageFileWriter} can write this format. */
	public boolean writable() { return writable; }

	/** The format a file name's extension stands for (case-insensitive), or empty if none. */
	public static Optional<ImageFileFormat> ofFileName(String fileName) {
		String extension = extensionOf(fileName);
		for (ImageFileFormat format : values())
			if (format.extensions.contains(extension)) return Optional.of(format);
		return Optional.empty();
	}

	/** The format {@code file}'s extension stands for, or empty if none. */
	public static Optional<ImageFileFormat> of(Path file) {
		Path name = file.getFileName();
		return name == null ? Optional.empty() : ofFileName(name.toString());
	}

	/** {@code fileName} with its extension replaced by this format's, e.g. "a.png" to "a.tif"; "a" becomes "a.tif". */
	public String rename(String fileName) {
		return baseName(fileName) + "." + extensions.get(0);
	}

	/** The file name without its last extension: "a.ome.tif" gives "a.ome", "notes" stays "notes". */
	static String baseName(String fileName) {
		int dot = fileName.lastIndexOf('.');
		return dot > 0 ? fileName.substring(0, dot) : fileName;
	}

	/** The lower-case last extension without the dot, or "" if none. */
	static String extensionOf(String fileName) {
		int dot = fileName.lastIndexOf('.');
		return dot > 0 ? fileName.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
	}
}
