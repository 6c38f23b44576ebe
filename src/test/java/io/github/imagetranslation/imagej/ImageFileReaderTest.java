package io.github.imagetranslation.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileInfo;

import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.SampleType;

class ImageFileReaderTest {

	@TempDir
	Path dir;

	@BeforeAll
	static void headless() {
		TestImages.headless();
	}

	private static void assertSamples(int[] expected, FloatImage image, int channel) {
		int n = image.planeSize();
		assertEquals(expected.length, n);
		for (int i = 0; i < n; i++) assertEquals(expected[i], image.data()[channel * n + i], "sample " + i + " of channel " + channel);
	}

	@Test
	void sixteenBitTiffKeepsItsValues() throws Exception {
		Path file = TestImages.resource(TestImages.FLUO16);
		BufferedImage expected = TestImages.decodeAll(file).get(0);

		ImagePlus image = ImageFileReader.open(file);
		List<FloatImage> planes = ImageFileReader.readPlanes(file);

		assertEquals(16, image.getBitDepth());
		assertEquals(SampleType.UINT16, PlaneConverter.sampleType(image));
		assertEquals(1, planes.size());
		assertEquals("1x64x64", planes.get(0).shapeString());
		assertSamples(TestImages.samples(expected, 0), planes.get(0), 0);
	}

	@Test
	void multiPageTiffOpensAsStack() throws Exception {
		Path file = TestImages.resource(TestImages.NUCLEI);
		List<BufferedImage> expected = TestImages.decodeAll(file);

		ImagePlus image = ImageFileReader.open(file);
		List<FloatImage> planes = ImageFileReader.readPlanes(file);

		assertEquals(4, image.getStackSize());
		assertEquals(8, image.getBitDepth());
		assertEquals(4, planes.size());
		for (int i = 0; i < 4; i++) assertSamples(TestImages.samples(expected.get(i), 0), planes.get(i), 0);
		FileInfo source = image.getOriginalFileInfo();
		assertEquals(file.toAbsolutePath(), new File(source.directory, source.fileName).toPath().toAbsolutePath());
	}

	@Test
	void jpegCompressedTiffIsReadWithJavasTiffReaderWithoutConsoleOutput() throws Exception {
		// ImageJ alone reads this narrow JPEG-compressed TIFF as raw bytes and prints "Unexpected image offset"
		List<FloatImage> lossless = ImageFileReader.readPlanes(TestImages.resource(TestImages.NUCLEI));
		List<FloatImage> planes;
		try (ConsoleCapture console = new ConsoleCapture()) {
			planes = ImageFileReader.readPlanes(TestImages.resource(TestImages.NUCLEI_JPEG));
			assertEquals("", console.printed());
		}

		assertEquals(4, planes.size());
		for (int i = 0; i < 4; i++) {
			FloatImage a = lossless.get(i), b = planes.get(i);
			assertEquals(a.shapeString(), b.shapeString());
			double sum = 0;
			for (int p = 0; p < a.data().length; p++) sum += Math.abs(a.data()[p] - b.data()[p]);
			assertTrue(sum / a.data().length < 2, "slice " + (i + 1) + " differs by " + sum / a.data().length + " on average");
		}
	}

	@Test
	void paletteGreyPngGivesOneChannelOfPaletteValues() throws Exception {
		Path file = TestImages.resource(TestImages.BRAIN_PD);
		BufferedImage decoded = TestImages.decodeAll(file).get(0);
		IndexColorModel palette = (IndexColorModel) decoded.getColorModel();
		int[] indices = TestImages.samples(decoded, 0);
		int[] expected = new int[indices.length];
		for (int i = 0; i < indices.length; i++) {
			assertEquals(palette.getRed(indices[i]), palette.getGreen(indices[i]));
			expected[i] = palette.getRed(indices[i]);
		}

		List<FloatImage> planes = ImageFileReader.readPlanes(file, false);

		assertEquals(1, planes.size());
		assertEquals("1x217x181", planes.get(0).shapeString());
		assertSamples(expected, planes.get(0), 0);
	}

	@Test
	void rgbPngWithEqualChannelsCollapsesToGrey() throws Exception {
		Path file = TestImages.resource(TestImages.BRAIN_T1);
		BufferedImage decoded = TestImages.decodeAll(file).get(0);
		int[] red = TestImages.samples(decoded, 0);
		assertArrayEquals(red, TestImages.samples(decoded, 1));
		assertArrayEquals(red, TestImages.samples(decoded, 2));

		FloatImage collapsed = ImageFileReader.readPlanes(file).get(0);
		FloatImage kept = ImageFileReader.readPlanes(file, false).get(0);

		assertEquals(ImagePlus.COLOR_RGB, ImageFileReader.open(file).getType());
		assertEquals(1, collapsed.channels());
		assertSamples(red, collapsed, 0);
		assertEquals(3, kept.channels());
		for (int c = 0; c < 3; c++) assertSamples(red, kept, c);
	}

	@Test
	void rgbPngGivesThreeChannels() throws Exception {
		Path file = TestImages.resource(TestImages.HISTO_PNG);
		BufferedImage decoded = TestImages.decodeAll(file).get(0);

		FloatImage plane = ImageFileReader.readPlanes(file).get(0);

		assertEquals("3x48x64", plane.shapeString());
		for (int c = 0; c < 3; c++) assertSamples(TestImages.samples(decoded, c), plane, c);
	}

	@Test
	void jpegGivesTheSamePixelsAsImageJsOpener() throws Exception {
		Path file = TestImages.resource(TestImages.HISTO_JPEG);
		ImagePlus reference = IJ.openImage(file.toString());

		ImagePlus image = ImageFileReader.open(file);

		assertEquals(ImagePlus.COLOR_RGB, image.getType());
		assertArrayEquals((int[]) reference.getProcessor().getPixels(), (int[]) image.getProcessor().getPixels());
	}

	@Test
	void givesTheSameImagesAsImageJsOwnOpener() throws Exception {
		IndexColorModel lut = PlaneConverterTest.colourLut();
		// 3 rows: Java's ImageIO GIF reader misplaces the rows of interlaced GIFs 2 to 4 pixels high
		BufferedImage palette = new BufferedImage(5, 3, BufferedImage.TYPE_BYTE_INDEXED, lut);
		palette.getRaster().setSamples(0, 0, 5, 3, 0, new int[] {0, 1, 2, 3, 4, 50, 60, 70, 80, 90, 255, 254, 253, 252, 251});
		ImageIO.write(palette, "gif", dir.resolve("palette.gif").toFile());
		ImageIO.write(palette, "bmp", dir.resolve("palette.bmp").toFile());
		ImageIO.write(palette, "png", dir.resolve("palette.png").toFile());
		List<Path> files = Arrays.asList(TestImages.resource(TestImages.BRAIN_PD), TestImages.resource(TestImages.BRAIN_T1),
				TestImages.resource(TestImages.HISTO_PNG), TestImages.resource(TestImages.HISTO_JPEG),
				TestImages.resource(TestImages.FLUO16), TestImages.resource(TestImages.NUCLEI),
				dir.resolve("palette.gif"), dir.resolve("palette.bmp"), dir.resolve("palette.png"));

		for (Path file : files) {
			ImagePlus reference = IJ.openImage(file.toString());
			ImagePlus image = ImageFileReader.open(file);
			assertEquals(reference.getType(), image.getType(), file.toString());
			assertArrayEquals(reference.getDimensions(), image.getDimensions(), file.toString());
			assertEquals(PlaneConverter.toFloatImages(reference, false), PlaneConverter.toFloatImages(image, false), file.toString());
		}
	}

	@Test
	void sixteenBitPngKeepsValuesAbove255() throws Exception {
		BufferedImage wide = new BufferedImage(3, 2, BufferedImage.TYPE_USHORT_GRAY);
		int[] values = {0, 255, 256, 1000, 40000, 65535};
		wide.getRaster().setSamples(0, 0, 3, 2, 0, values);
		Path file = dir.resolve("wide.png");
		ImageIO.write(wide, "png", file.toFile());

		FloatImage plane = ImageFileReader.readPlanes(file).get(0);

		assertEquals(SampleType.UINT16, PlaneConverter.sampleType(ImageFileReader.open(file)));
		assertSamples(values, plane, 0);
	}

	@Test
	void paletteGifAndGreyBmpGiveTheirValues() throws Exception {
		IndexColorModel lut = PlaneConverterTest.colourLut();
		BufferedImage palette = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_INDEXED, lut);
		palette.getRaster().setSamples(0, 0, 4, 1, 0, new int[] {1, 2, 100, 255});
		Path gif = dir.resolve("palette.gif");
		ImageIO.write(palette, "gif", gif.toFile());

		FloatImage colour = ImageFileReader.readPlanes(gif).get(0);

		assertEquals(3, colour.channels());
		int[] indices = {1, 2, 100, 255};
		for (int x = 0; x < 4; x++) {
			assertEquals(lut.getRed(indices[x]), colour.get(0, 0, x));
			assertEquals(lut.getGreen(indices[x]), colour.get(1, 0, x));
			assertEquals(lut.getBlue(indices[x]), colour.get(2, 0, x));
		}

		BufferedImage grey = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
		grey.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {7, 128, 250});
		Path bmp = dir.resolve("grey.bmp");
		ImageIO.write(grey, "bmp", bmp.toFile());

		FloatImage greyPlane = ImageFileReader.readPlanes(bmp).get(0);

		assertEquals(1, greyPlane.channels());
		assertSamples(new int[] {7, 128, 250}, greyPlane, 0);
	}

	@Test
	void transparencyIsFlattenedOntoWhiteAsImageJDoes() throws Exception {
		BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
		argb.setRGB(0, 0, 0x00123456);
		argb.setRGB(1, 0, 0xff102030);
		Path file = dir.resolve("alpha.png");
		ImageIO.write(argb, "png", file.toFile());

		FloatImage plane = ImageFileReader.readPlanes(file).get(0);

		assertArrayEquals(new float[] {255, 0x10, 255, 0x20, 255, 0x30}, plane.data());
	}

	@Test
	void formatComesFromContentNotName() throws Exception {
		Path misnamed = dir.resolve("really-a-png.tif");
		Files.copy(TestImages.resource(TestImages.HISTO_PNG), misnamed);

		assertEquals(ImageFileFormat.PNG, ImageFileReader.detectFormat(misnamed));
		assertEquals(3, ImageFileReader.readPlanes(misnamed).get(0).channels());
	}

	/** Expects an ImageFileException whose one-line message contains every part, and no console output. */
	private static ImageFileException assertFails(Path file, String... parts) {
		ImageFileException e;
		try (ConsoleCapture console = new ConsoleCapture()) {
			e = assertThrows(ImageFileException.class, () -> ImageFileReader.open(file));
			assertEquals("", console.printed(), "printed while reading " + file);
		}
		String message = e.getMessage();
		assertTrue(message.contains(file.getFileName().toString()), message);
		for (String part : parts) assertTrue(message.contains(part), "'" + part + "' not in: " + message);
		assertEquals(-1, message.indexOf('\n'), message);
		return e;
	}

	@Test
	void missingFileFolderAndEmptyFileFailClearly() throws Exception {
		assertFails(dir.resolve("missing.tif"), "does not exist");
		Path folder = Files.createDirectory(dir.resolve("images.tif"));
		assertFails(folder, "is a folder, not an image file");
		Path empty = Files.createFile(dir.resolve("empty.png"));
		assertFails(empty, "is empty (0 bytes)");
	}

	@Test
	void nonImageFilesFailClearly() throws Exception {
		Path text = Files.write(dir.resolve("notes.txt"), "hello world\n".getBytes(StandardCharsets.UTF_8));
		ImageFileException e = assertFails(text);
		assertEquals(text + " is not an image ImageJ can read (supported: TIFF, PNG, JPEG, GIF, BMP)", e.getMessage());

		Path fakeTiff = Files.write(dir.resolve("fake.tif"), "not a tiff at all".getBytes(StandardCharsets.UTF_8));
		assertFails(fakeTiff, "has a .tif name but its content is not a TIFF image", "damaged or misnamed");
	}

	@Test
	void truncatedTiffFailsInsteadOfReadingZeros() throws Exception {
		byte[] whole = Files.readAllBytes(TestImages.resource(TestImages.FLUO16));
		Path truncated = Files.write(dir.resolve("broken.tif"), Arrays.copyOf(whole, whole.length / 2));
		assertFails(truncated, "is damaged or truncated", "but the file has only " + whole.length / 2 + " bytes");

		byte[] stack = Files.readAllBytes(TestImages.resource(TestImages.NUCLEI_JPEG));
		Path truncatedJpegTiff = Files.write(dir.resolve("broken-jpeg.tif"), Arrays.copyOf(stack, stack.length - 2000));
		assertFails(truncatedJpegTiff, "is damaged or truncated");
	}

	@Test
	void tiffWithBrokenDirectoryFails() throws Exception {
		byte[] header = {'I', 'I', 42, 0, (byte) 0xf0, (byte) 0xff, (byte) 0xff, 0x0f, 1, 2, 3, 4};
		Path broken = Files.write(dir.resolve("header-only.tif"), header);
		assertFails(broken, "is damaged or truncated");
	}

	@Test
	void truncatedPngJpegAndBmpFail() throws Exception {
		byte[] png = Files.readAllBytes(TestImages.resource(TestImages.HISTO_PNG));
		assertFails(Files.write(dir.resolve("broken.png"), Arrays.copyOf(png, png.length / 2)), "is damaged or truncated");

		byte[] jpeg = Files.readAllBytes(TestImages.resource(TestImages.HISTO_JPEG));
		assertFails(Files.write(dir.resolve("broken.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2)), "is damaged or truncated", "JPEG");

		BufferedImage grey = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY);
		Path bmp = dir.resolve("whole.bmp");
		ImageIO.write(grey, "bmp", bmp.toFile());
		byte[] bmpBytes = Files.readAllBytes(bmp);
		assertFails(Files.write(dir.resolve("broken.bmp"), Arrays.copyOf(bmpBytes, bmpBytes.length / 2)), "is damaged or truncated");

		BufferedImage noise = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_INDEXED, PlaneConverterTest.colourLut());
		for (int y = 0; y < 30; y++)
			for (int x = 0; x < 40; x++) noise.getRaster().setSample(x, y, 0, (x * 31 + y * 17) % 256);
		Path gif = dir.resolve("whole.gif");
		ImageIO.write(noise, "gif", gif.toFile());
		byte[] gifBytes = Files.readAllBytes(gif);
		assertFails(Files.write(dir.resolve("broken.gif"), Arrays.copyOf(gifBytes, gifBytes.length / 2)), "is damaged or truncated");
	}

	@Test
	void animatedGifIsRefusedWithAHint() throws Exception {
		Path gif = dir.resolve("animated.gif");
		ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
		try (ImageOutputStream out = ImageIO.createImageOutputStream(gif.toFile())) {
			writer.setOutput(out);
			writer.prepareWriteSequence(null);
			for (int i = 0; i < 2; i++)
				writer.writeToSequence(new IIOImage(new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_INDEXED), null, null), null);
			writer.endWriteSequence();
		}
		writer.dispose();
		assertFails(gif, "is an animated GIF of 2 frames", "save it as a TIFF stack");
	}
}
