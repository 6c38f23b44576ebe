package io.github.imagetranslation.imagej;

import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import javax.imageio.ImageIO;

import ij.ImagePlus;
import ij.ImageStack;
import ij.VirtualStack;
import ij.io.FileInfo;
import ij.io.FileSaver;
import ij.io.TiffEncoder;

import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.SampleType;
import io.github.imagetranslation.engine.io.AtomicFiles;

/**
 * Writes images as TIFF (any stack or hyperstack, every sample type, with calibration, slice labels and
 * LUTs, as ImageJ saves them) or PNG (one 2-D plane, 8-bit grey or RGB, holding the values the engine reads;
 * LUTs are not kept). Files are written atomically through {@link AtomicFiles}: a failed write leaves no
 * partial file and keeps any previous one. An image is never written over the file it was read from.
 */
public final class ImageFileWriter {

	private ImageFileWriter() {}

	/**
	 * Writes {@code image} to {@code file} in the format its extension names (.tif, .tiff or .png).
	 *
	 * @throws ImageFileException if the extension names no writable format, the image does not fit it, the file
	 *         is the one the image was read from, or writing fails
	 */
	public static void write(ImagePlus image, Path file) throws ImageFileException {
		ImageFileFormat format = ImageFileFormat.of(file).orElseThrow(() -> new ImageFileException(
				"Cannot write " + file + ": its name does not end in .tif or .png, so the format is unknown"));
		write(image, file, format);
	}

	/** Writes {@code image} to {@code file} in {@code format} (TIFF or PNG), whatever the file's extension. */
	public static void write(ImagePlus image, Path file, ImageFileFormat format) throws ImageFileException {
		PlaneReader.requireContent(image);
		if (!format.writable())
			throw new ImageFileException("Cannot write " + file + ": writing " + format + " is not supported; use .tif or .png");
		FileInfo source = image.getOriginalFileInfo();
		if (source != null && source.fileName != null && source.directory != null && !source.directory.isEmpty())
			requireDistinct(Paths.get(source.directory, source.fileName), file);
		if (Files.isDirectory(file)) throw new ImageFileException("Cannot write " + file + ": it is a folder");
		AtomicFiles.StreamWriter encoder;
		if (format == ImageFileFormat.PNG) {
			BufferedImage png = pngImage(image, file);
			encoder = out -> {
				if (!ImageIO.write(png, "png", out)) throw new IOException("no PNG writer is available");
			};
		} else {
			encoder = out -> writeTiff(image, out);
		}
		try {
			AtomicFiles.write(file, out -> {
				BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 16);
				encoder.write(buffered);
				buffered.flush();
			});
		} catch (IOException | RuntimeException e) {
			throw new ImageFileException(file + " could not be written: " + ImageFileReader.describe(e), e);
		}
	}

	/**
	 * Writes images of equal shape as one file (see {@link PlaneConverter#toImagePlus} for how channels map),
	 * in the format {@code file}'s extension names.
	 */
	public static void write(List<FloatImage> planes, SampleType type, Path file) throws ImageFileException {
		write(PlaneConverter.toImagePlus(file.getFileName().toString(), planes, type), file);
	}

	/**
	 * Refuses an output path that is the input file (also through another spelling of the path or a link).
	 *
	 * @throws ImageFileException naming both, if they are the same file
	 */
	public static void requireDistinct(Path input, Path output) throws ImageFileException {
		Path in = input.toAbsolutePath().normalize();
		Path out = output.toAbsolutePath().normalize();
		boolean same = in.equals(out);
		if (!same && Files.exists(in) && Files.exists(out)) {
			try {
				same = Files.isSameFile(in, out);
			} catch (IOException e) {
				same = false;
			}
		}
		if (same)
			throw new ImageFileException("Refusing to write " + output + ": it is the input file " + input
					+ ", which would be overwritten; choose another output folder or file name");
	}

	private static void writeTiff(ImagePlus image, OutputStream out) throws IOException {
		FileSaver saver = new FileSaver(image);
		FileInfo fi = image.getFileInfo();
		fi.description = saver.getDescriptionString();
		fi.info = image.getInfoProperty();
		fi.properties = image.getPropertiesAsArray();
		ImageStack stack = image.getStack();
		String[] labels = new String[stack.getSize()];
		boolean labelled = false;
		for (int i = 1; i <= labels.length; i++) {
			labels[i - 1] = stack.getSliceLabel(i);
			labelled |= labels[i - 1] != null;
		}
		if (labelled) fi.sliceLabels = labels;
		if (fi.nImages > 1 && stack.isVirtual()) fi.virtualStack = (VirtualStack) stack;
		if (image.isComposite()) saver.saveDisplayRangesAndLuts(image, fi);
		new TiffEncoder(fi).write(out);
	}

	private static BufferedImage pngImage(ImagePlus image, Path file) throws ImageFileException {
		if (image.getStackSize() > 1)
			throw new ImageFileException("Cannot write " + file + " as PNG: the image has " + image.getStackSize()
					+ " planes but PNG holds one; write it as .tif");
		SampleType type = PlaneConverter.sampleType(image);
		if (type != SampleType.UINT8)
			throw new ImageFileException("Cannot write " + file + " as PNG: the image is " + type.bitDepth()
					+ "-bit but PNG is written as 8-bit grey or RGB; write it as .tif");
		FloatImage plane = new PlaneReader(image).read(1);
		int w = plane.width(), h = plane.height(), n = w * h;
		float[] data = plane.data();
		if (plane.channels() == 1) {
			BufferedImage grey = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
			int[] samples = new int[n];
			for (int i = 0; i < n; i++) samples[i] = (int) data[i];
			grey.getRaster().setSamples(0, 0, w, h, 0, samples);
			return grey;
		}
		BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
		rgb.setRGB(0, 0, w, h, (int[]) PlaneConverter.toColorProcessor(plane).getPixels(), 0, w);
		return rgb;
	}
}
