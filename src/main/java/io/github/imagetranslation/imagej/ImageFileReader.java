package io.github.imagetranslation.imagej;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Toolkit;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import ij.CompositeImage;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.Prefs;
import ij.io.FileInfo;
import ij.io.Opener;
import ij.io.TiffDecoder;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;

import io.github.imagetranslation.engine.image.FloatImage;

/**
 * Opens TIFF (including multi-page stacks and ImageJ hyperstacks), PNG, JPEG, GIF and BMP files as ImagePlus,
 * giving the pixels ImageJ's File &gt; Open gives, but failing with an {@link ImageFileException} whose message
 * names the file and the problem, where ImageJ would print to the console, pop up a dialog, return null or
 * silently fill missing data with zeros.
 * <p>
 * The format is recognised from the file's first bytes, not its name. TIFFs are read with ImageJ's own TIFF
 * reader after checking that their image data lies inside the file; TIFFs it cannot decode (e.g. JPEG
 * compression, as some microscopy software writes) are read with Java's TIFF reader instead, without
 * calibration. The other formats are read with Java's ImageIO and converted as ImageJ's opener converts them
 * (transparency flattened onto white, grey JPEGs as 8-bit); GIFs that ImageIO accepts are then decoded with
 * AWT's decoder, as ImageJ does. EXIF orientation is not applied.
 */
public final class ImageFileReader {

	private ImageFileReader() {}

	/**
	 * Opens {@code file} as an ImagePlus titled with the file name, whose original file info records where it was
	 * read from.
	 *
	 * @throws ImageFileException if the file is missing, a folder, empty, not a supported image, or damaged
	 */
	public static ImagePlus open(Path file) throws ImageFileException {
		ImageFileFormat format = detectFormat(file);
		ImagePlus image = format == ImageFileFormat.TIFF ? openTiff(file) : openWithImageIO(file, format);
		if (image == null || image.getProcessor() == null || image.getWidth() < 1 || image.getHeight() < 1)
			throw new ImageFileException(file + " could not be read as " + format + " (no image found); it may be damaged");
		return image;
	}

	/** Every plane of {@code file} as FloatImages, colour images with three equal channels as 1 channel. */
	public static List<FloatImage> readPlanes(Path file) throws ImageFileException {
		return readPlanes(file, true);
	}

	/**
	 * Every plane of {@code file} as FloatImages, in stack order (see {@link PlaneConverter#toFloatImages}).
	 *
	 * @param collapseGreyRgb whether an RGB image whose three channels are equal in every plane gives 1 channel
	 */
	public static List<FloatImage> readPlanes(Path file, boolean collapseGreyRgb) throws ImageFileException {
		return PlaneConverter.toFloatImages(open(file), collapseGreyRgb);
	}

	/**
	 * The format of {@code file} according to its content.
	 *
	 * @throws ImageFileException if the file is missing, a folder, unreadable, empty or not a supported image
	 */
	public static ImageFileFormat detectFormat(Path file) throws ImageFileException {
		if (!Files.exists(file)) throw new ImageFileException(file + " does not exist");
		if (Files.isDirectory(file)) throw new ImageFileException(file + " is a folder, not an image file");
		if (!Files.isReadable(file)) throw new ImageFileException(file + " cannot be read: permission denied");
		byte[] header = new byte[8];
		int length;
		try (InputStream in = Files.newInputStream(file)) {
			length = in.readNBytes(header, 0, header.length);
		} catch (IOException e) {
			throw new ImageFileException(file + " cannot be read: " + describe(e), e);
		}
		if (length == 0) throw new ImageFileException(file + " is empty (0 bytes)");
		ImageFileFormat format = formatOf(header, length);
		if (format != null) return format;
		ImageFileFormat named = ImageFileFormat.of(file).orElse(null);
		if (named != null)
			throw new ImageFileException(file + " has a ." + ImageFileFormat.extensionOf(file.getFileName().toString())
					+ " name but its content is not a " + named + " image (nor another supported format); it may be damaged or misnamed");
		throw new ImageFileException(file + " is not an image ImageJ can read (supported: " + ImageFileFormat.SUPPORTED + ")");
	}

	private static ImageFileFormat formatOf(byte[] h, int length) {
		int b0 = h[0] & 0xff, b1 = length > 1 ? h[1] & 0xff : -1, b2 = length > 2 ? h[2] & 0xff : -1, b3 = length > 3 ? h[3] & 0xff : -1;
		// classic TIFF (42) and BigTIFF (43), either byte order
		if (b0 == 'I' && b1 == 'I' && (b2 == 42 || b2 == 43) && b3 == 0) return ImageFileFormat.TIFF;
		if (b0 == 'M' && b1 == 'M' && b2 == 0 && (b3 == 42 || b3 == 43)) return ImageFileFormat.TIFF;
		if (b0 == 0x89 && b1 == 'P' && b2 == 'N' && b3 == 'G') return ImageFileFormat.PNG;
		if (b0 == 0xff && b1 == 0xd8 && b2 == 0xff) return ImageFileFormat.JPEG;
		if (b0 == 'G' && b1 == 'I' && b2 == 'F' && b3 == '8') return ImageFileFormat.GIF;
		if (b0 == 'B' && b1 == 'M' && length >= 8) return ImageFileFormat.BMP;
		return null;
	}

	private static ImagePlus openTiff(Path file) throws ImageFileException {
		Path absolute = file.toAbsolutePath();
		String directory = directoryOf(absolute);
		String name = absolute.getFileName().toString();
		FileInfo[] info;
		try {
			info = new TiffDecoder(directory, name).getTiffInfo();
		} catch (IOException | RuntimeException e) {
			return openTiffWithImageIO(file, describe(e));
		}
		if (info == null || info.length == 0) return openTiffWithImageIO(file, "no image found");
		for (FileInfo fi : info) {
			if (fi.width < 1 || fi.height < 1)
				throw damaged(file, ImageFileFormat.TIFF, "an image of " + fi.width + "x" + fi.height + " pixels");
			if (fi.compression == FileInfo.COMPRESSION_NONE && storedBytes(fi) >= 0 && storedBytes(fi) < imageBytes(fi))
				// ImageJ would read such data as if uncompressed, e.g. JPEG compression in images narrower than 500 pixels
				return openTiffWithImageIO(file, "its image data is stored in a way ImageJ does not decode");
		}
		long fileLength = sizeOf(file);
		for (FileInfo fi : info) {
			long end = dataEnd(fi);
			if (end > fileLength)
				throw damaged(file, ImageFileFormat.TIFF, "its image data ends at byte " + end + " but the file has only " + fileLength + " bytes");
		}
		ImagePlus image = new Opener().openTiff(directory, name);
		if (image == null) throw damaged(file, ImageFileFormat.TIFF, "ImageJ found no readable image in it");
		return image;
	}

	/** The end of the image data ImageJ will read, as a byte offset. */
	private static long dataEnd(FileInfo fi) {
		long end = 0;
		if (fi.stripOffsets != null && fi.stripLengths != null && fi.stripOffsets.length == fi.stripLengths.length)
			for (int i = 0; i < fi.stripOffsets.length; i++)
				end = Math.max(end, (fi.stripOffsets[i] & 0xffffffffL) + (fi.stripLengths[i] & 0xffffffffL));
		if (fi.compression <= FileInfo.COMPRESSION_NONE) {
			long images = Math.max(1, fi.nImages);
			end = Math.max(end, fi.getOffset() + images * imageBytes(fi) + (images - 1) * fi.getGap());
		}
		return end;
	}

	/** Bytes the strips of one image hold, or -1 if the file does not say. */
	private static long storedBytes(FileInfo fi) {
		if (fi.stripLengths == null) return -1;
		long sum = 0;
		for (int length : fi.stripLengths) sum += length & 0xffffffffL;
		return sum;
	}

	/** Bytes one uncompressed image of {@code fi} takes. */
	private static long imageBytes(FileInfo fi) {
		long pixels = (long) fi.width * fi.height;
		switch (fi.fileType) {
			case FileInfo.BITMAP: return (fi.width + 7L) / 8 * fi.height;
			case FileInfo.GRAY12_UNSIGNED: return (pixels * 3 + 1) / 2;
			case FileInfo.GRAY10_UNSIGNED: return (pixels * 5 + 3) / 4;
			default: return pixels * fi.getBytesPerPixel();
		}
	}

	/** Reads every page of a TIFF with Java's TIFF reader into one stack. */
	private static ImagePlus openTiffWithImageIO(Path file, String imageJReason) throws ImageFileException {
		String name = file.getFileName().toString();
		List<ImagePlus> pages = new ArrayList<>();
		Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("tiff");
		if (!readers.hasNext()) throw damaged(file, ImageFileFormat.TIFF, imageJReason);
		ImageReader reader = readers.next();
		try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
			reader.setInput(in, false, true);
			int count = reader.getNumImages(true);
			for (int i = 0; i < count; i++)
				pages.add(toImagePlus(name, reader.read(i), ImageFileFormat.TIFF));
		} catch (IOException | RuntimeException e) {
			throw damaged(file, ImageFileFormat.TIFF, imageJReason + "; Java's TIFF reader failed too: " + describe(e));
		} finally {
			reader.dispose();
		}
		if (pages.isEmpty()) throw damaged(file, ImageFileFormat.TIFF, imageJReason);
		ImagePlus first = pages.get(0);
		ImagePlus image = first;
		if (pages.size() > 1) {
			int bands = first.getStackSize();
			ImageStack stack = new ImageStack(first.getWidth(), first.getHeight(), first.getProcessor().getColorModel());
			for (ImagePlus page : pages) {
				if (page.getWidth() != first.getWidth() || page.getHeight() != first.getHeight()
						|| page.getType() != first.getType() || page.getStackSize() != bands)
					throw new ImageFileException(file + " has pages of different sizes or types, which cannot be read as one stack");
				for (int b = 1; b <= bands; b++) stack.addSlice(null, page.getStack().getProcessor(b));
			}
			image = new ImagePlus(name, stack);
			if (bands > 1) {
				image.setDimensions(bands, pages.size(), 1);
				image = PlaneConverter.asComposite(image);
			}
		}
		image.setFileInfo(fileInfo(file, FileInfo.TIFF));
		return image;
	}

	private static ImagePlus openWithImageIO(Path file, ImageFileFormat format) throws ImageFileException {
		String formatName = format.name().toLowerCase(Locale.ROOT);
		Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(formatName);
		if (!readers.hasNext()) throw new ImageFileException(file + " is a " + format + " image but this Java has no " + format + " reader");
		ImageReader reader = readers.next();
		List<String> truncations = new ArrayList<>();
		BufferedImage decoded;
		try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
			reader.setInput(in, false, true);
			reader.addIIOReadWarningListener((source, warning) -> {
				String w = warning.toLowerCase(Locale.ROOT);
				if (w.contains("truncated") || w.contains("premature end")) truncations.add(warning);
			});
			if (format == ImageFileFormat.GIF) {
				int frames = reader.getNumImages(true);
				if (frames > 1)
					throw new ImageFileException(file + " is an animated GIF of " + frames + " frames; only single-image GIFs can be read, so save it as a TIFF stack");
			}
			decoded = reader.read(0);
		} catch (ImageFileException e) {
			throw e;
		} catch (IOException | RuntimeException e) {
			throw damaged(file, format, describe(e));
		} finally {
			reader.dispose();
		}
		if (!truncations.isEmpty()) throw damaged(file, format, truncations.get(0));
		int fileFormat = format == ImageFileFormat.PNG ? FileInfo.IMAGEIO
				: format == ImageFileFormat.BMP ? FileInfo.BMP : FileInfo.GIF_OR_JPG;
		String title = file.getFileName().toString();
		ImagePlus image = format == ImageFileFormat.GIF ? gifWithToolkit(file, title) : toImagePlus(title, decoded, format);
		image.setFileInfo(fileInfo(file, fileFormat));
		return image;
	}

	/**
	 * Decodes a GIF that ImageIO has accepted with AWT's decoder, as ImageJ does: ImageIO's GIF reader puts the
	 * rows of interlaced images 2 to 4 pixels high in the wrong places.
	 */
	private static ImagePlus gifWithToolkit(Path file, String title) throws ImageFileException {
		try {
			return new ImagePlus(title, Toolkit.getDefaultToolkit().createImage(file.toAbsolutePath().toString()));
		} catch (RuntimeException e) {
			throw damaged(file, ImageFileFormat.GIF, describe(e));
		}
	}

	/** A decoded image as ImageJ's opener turns it into an ImagePlus. */
	private static ImagePlus toImagePlus(String title, BufferedImage decoded, ImageFileFormat format) {
		BufferedImage image = decoded;
		boolean custom8Bit = image.getType() == BufferedImage.TYPE_CUSTOM && image.getSampleModel().getDataType() == 0;
		if (image.getColorModel().hasAlpha() || custom8Bit) {
			BufferedImage flat = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_ARGB);
			Graphics2D g = flat.createGraphics();
			g.setColor(Color.white);
			g.fillRect(0, 0, image.getWidth(), image.getHeight());
			g.drawImage(image, 0, 0, null);
			g.dispose();
			image = flat;
		}
		ImagePlus imp = new ImagePlus(title, image);
		if (imp.getBitDepth() == 16 && imp.getStackSize() > 1)
			imp = new CompositeImage(imp, IJ.COMPOSITE);
		if (format == ImageFileFormat.JPEG && imp.getType() == ImagePlus.COLOR_RGB && !Prefs.openGrayscaleJpegsAsRGB) {
			ImageProcessor ip = imp.getProcessor();
			if (ip.isGrayscale()) imp = new ImagePlus(title, ((ColorProcessor) ip).getChannel(1, null));
		}
		return imp;
	}

	private static FileInfo fileInfo(Path file, int fileFormat) {
		Path absolute = file.toAbsolutePath();
		FileInfo fi = new FileInfo();
		fi.fileFormat = fileFormat;
		fi.fileName = absolute.getFileName().toString();
		fi.directory = directoryOf(absolute);
		return fi;
	}

	private static String directoryOf(Path absolute) {
		Path parent = absolute.getParent();
		return parent == null ? "" : parent.toString() + File.separator;
	}

	private static long sizeOf(Path file) throws ImageFileException {
		try {
			return Files.size(file);
		} catch (IOException e) {
			throw new ImageFileException(file + " cannot be read: " + describe(e), e);
		}
	}

	private static ImageFileException damaged(Path file, ImageFileFormat format, String reason) {
		return new ImageFileException(file + " is damaged or truncated, or a " + format + " variant that cannot be read: " + reason);
	}

	/** An exception's message and its cause's, on one line. */
	static String describe(Throwable e) {
		StringBuilder text = new StringBuilder();
		for (Throwable t = e; t != null && text.length() < 300; t = t.getCause()) {
			String message = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
			if (text.indexOf(message) >= 0) continue;
			if (text.length() > 0) text.append(": ");
			text.append(message);
		}
		return text.toString().replaceAll("\\s+", " ").trim();
	}
}
