package io.github.imagetranslation.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;

import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.SampleType;

class ImageFileWriterTest {

	@TempDir
	Path dir;

	@BeforeAll
	static void headless() {
		TestImages.headless();
	}

	private List<String> filesIn(Path folder) throws IOException {
		try (Stream<Path> files = Files.list(folder)) {
			return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
		}
	}

	private static ImageFileException assertRefused(ImagePlus image, Path file, String... parts) {
		ImageFileException e = assertThrows(ImageFileException.class, () -> ImageFileWriter.write(image, file));
		for (String part : parts) assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
		return e;
	}

	@Test
	void realSixteenBitTiffSurvivesWriteAndRead() throws Exception {
		Path source = TestImages.resource(TestImages.FLUO16);
		ImagePlus image = ImageFileReader.open(source);
		Path copy = dir.resolve("copy.tif");

		ImageFileWriter.write(image, copy);

		ImagePlus back = ImageFileReader.open(copy);
		assertEquals(16, back.getBitDepth());
		assertArrayEquals(TestImages.samples(TestImages.decodeAll(source).get(0), 0), TestImages.samples(TestImages.decodeAll(copy).get(0), 0));
		assertArrayEquals((short[]) image.getProcessor().getPixels(), (short[]) back.getProcessor().getPixels());
	}

	@Test
	void sixteenBitValuesAbove255SurviveTiff() throws Exception {
		short[] values = {0, 255, 256, 1000, (short) 32768, (short) 40000, (short) 65535, 1};
		Path file = dir.resolve("wide.tif");

		ImageFileWriter.write(new ImagePlus("wide", new ShortProcessor(4, 2, values.clone(), null)), file);

		assertArrayEquals(new int[] {0, 255, 256, 1000, 32768, 40000, 65535, 1}, TestImages.samples(TestImages.decodeAll(file).get(0), 0));
		assertArrayEquals(new float[] {0, 255, 256, 1000, 32768, 40000, 65535, 1}, ImageFileReader.readPlanes(file).get(0).data());
	}

	@Test
	void thirtyTwoBitValuesSurviveTiffExactly() throws Exception {
		float[] values = {-1.5f, 0f, 1e-7f, 3.4e38f, 0.1f, 123456.78f};
		Path file = dir.resolve("float.tif");

		ImageFileWriter.write(Arrays.asList(new FloatImage(1, 2, 3, values.clone())), SampleType.FLOAT32, file);

		ImagePlus back = ImageFileReader.open(file);
		assertEquals(32, back.getBitDepth());
		assertArrayEquals(values, (float[]) back.getProcessor().getPixels());
		float[] independent = new float[6];
		TestImages.decodeAll(file).get(0).getRaster().getSamples(0, 0, 3, 2, 0, independent);
		assertArrayEquals(values, independent);
	}

	@Test
	void eightBitAndRgbSurviveTiffAndPng() throws Exception {
		Path nuclei = TestImages.resource(TestImages.NUCLEI);
		ImagePlus slice = new ImagePlus("slice", ImageFileReader.open(nuclei).getStack().getProcessor(2));
		Path rgbSource = TestImages.resource(TestImages.HISTO_PNG);
		ImagePlus rgb = ImageFileReader.open(rgbSource);
		int[] expectedGrey = TestImages.samples(TestImages.decodeAll(nuclei).get(1), 0);
		BufferedImage expectedRgb = TestImages.decodeAll(rgbSource).get(0);

		for (String extension : new String[] {"tif", "png"}) {
			Path greyFile = dir.resolve("grey." + extension);
			Path rgbFile = dir.resolve("rgb." + extension);
			ImageFileWriter.write(slice, greyFile);
			ImageFileWriter.write(rgb, rgbFile);

			BufferedImage grey = TestImages.decodeAll(greyFile).get(0);
			assertEquals(1, grey.getRaster().getNumBands(), extension);
			assertArrayEquals(expectedGrey, TestImages.samples(grey, 0), extension);
			BufferedImage colour = TestImages.decodeAll(rgbFile).get(0);
			for (int c = 0; c < 3; c++) assertArrayEquals(TestImages.samples(expectedRgb, c), TestImages.samples(colour, c), extension);
			assertEquals(ImagePlus.COLOR_RGB, ImageFileReader.open(rgbFile).getType(), extension);
		}
	}

	@Test
	void paletteImageWrittenAsPngKeepsThePaletteValues() throws Exception {
		ImagePlus palette = ImageFileReader.open(TestImages.resource(TestImages.BRAIN_PD));
		Path file = dir.resolve("pd.png");

		ImageFileWriter.write(palette, file);

		assertArrayEquals(PlaneConverter.toFloatImage(palette, 1).data(), ImageFileReader.readPlanes(file).get(0).data());
	}

	@Test
	void lutImagesKeepTheirValuesInTiffAndPng() throws Exception {
		byte[] greyLevels = new byte[256];
		for (int i = 0; i < 256; i++) greyLevels[i] = (byte) (100 + i / 4);
		ByteProcessor greyPalette = new ByteProcessor(3, 1, new byte[] {0, 8, (byte) 255});
		greyPalette.setColorModel(new IndexColorModel(8, 256, greyLevels, greyLevels, greyLevels));
		ByteProcessor colourPalette = new ByteProcessor(3, 1, new byte[] {0, 8, (byte) 255});
		colourPalette.setColorModel(PlaneConverterTest.colourLut());
		ByteProcessor inverted = new ByteProcessor(3, 1, new byte[] {0, 8, (byte) 255});
		inverted.invertLut();
		IndexColorModel colour = PlaneConverterTest.colourLut();
		float[][] expected = {
				{100, 102, 163},
				{colour.getRed(0), colour.getRed(8), colour.getRed(255), colour.getGreen(0), colour.getGreen(8), colour.getGreen(255),
						colour.getBlue(0), colour.getBlue(8), colour.getBlue(255)},
				{0, 8, 255}};
		ByteProcessor[] processors = {greyPalette, colourPalette, inverted};

		for (int i = 0; i < processors.length; i++)
			for (String extension : new String[] {"tif", "png"}) {
				Path file = dir.resolve("lut" + i + "." + extension);
				ImageFileWriter.write(new ImagePlus("lut", processors[i]), file);
				assertArrayEquals(expected[i], ImageFileReader.readPlanes(file).get(0).data(), file.toString());
			}
	}

	@Test
	void stackAndHyperstackSurviveTiffWithDimensionsCalibrationAndLabels() throws Exception {
		ImageStack stack = new ImageStack(3, 2);
		for (int i = 0; i < 12; i++) {
			FloatProcessor ip = new FloatProcessor(3, 2);
			ip.setValue(i + 0.5);
			ip.fill();
			stack.addSlice("label " + i, ip);
		}
		ImagePlus image = new ImagePlus("hyper", stack);
		image.setDimensions(3, 2, 2);
		image.setOpenAsHyperStack(true);
		Calibration cal = image.getCalibration();
		cal.pixelWidth = 0.5;
		cal.pixelHeight = 0.75;
		cal.pixelDepth = 3;
		cal.setUnit("micron");
		cal.frameInterval = 2;
		image.setCalibration(cal);
		Path file = dir.resolve("hyper.tif");

		ImageFileWriter.write(image, file);

		ImagePlus back = ImageFileReader.open(file);
		assertArrayEquals(new int[] {3, 2, 3, 2, 2}, back.getDimensions());
		// TIFF stores pixels per unit as a fraction of 32-bit integers, so sizes come back to about 1e-6
		assertEquals(0.5, back.getCalibration().pixelWidth, 1e-6);
		assertEquals(0.75, back.getCalibration().pixelHeight, 1e-6);
		assertEquals(3, back.getCalibration().pixelDepth);
		assertEquals(cal.getUnit(), back.getCalibration().getUnit());
		assertEquals(2, back.getCalibration().frameInterval);
		for (int n = 1; n <= 12; n++) {
			assertEquals("label " + (n - 1), back.getStack().getSliceLabel(n));
			assertEquals(n - 0.5f, back.getStack().getProcessor(n).getf(2, 1));
		}
	}

	@Test
	void listOfThreeChannelImagesIsWrittenAsRgb() throws Exception {
		FloatImage colour = new FloatImage(3, 1, 2, new float[] {10, 20.4f, 30, 300, 50, -5});
		Path file = dir.resolve("colour.png");

		ImageFileWriter.write(Arrays.asList(colour), SampleType.UINT8, file);

		BufferedImage back = TestImages.decodeAll(file).get(0);
		assertEquals(0x0a1e32, back.getRGB(0, 0) & 0xffffff);
		assertEquals(0x14ff00, back.getRGB(1, 0) & 0xffffff);
	}

	@Test
	void pngRefusesStacksAndDeepImages() {
		ImageStack stack = new ImageStack(2, 2);
		stack.addSlice(new ByteProcessor(2, 2));
		stack.addSlice(new ByteProcessor(2, 2));
		assertRefused(new ImagePlus("stack", stack), dir.resolve("stack.png"), "has 2 planes but PNG holds one; write it as .tif");
		assertRefused(new ImagePlus("deep", new ShortProcessor(2, 2)), dir.resolve("deep.png"), "is 16-bit but PNG is written as 8-bit grey or RGB");
		assertRefused(new ImagePlus("float", new FloatProcessor(2, 2)), dir.resolve("float.png"), "is 32-bit");
	}

	@Test
	void unknownAndReadOnlyFormatsAreRefused() {
		ImagePlus image = new ImagePlus("x", new ByteProcessor(2, 2));
		assertRefused(image, dir.resolve("result.raw"), "result.raw", "does not end in .tif or .png");
		assertRefused(image, dir.resolve("result.jpg"), "writing JPEG is not supported");
	}

	@Test
	void failedWriteLeavesNoTempFileAndKeepsThePreviousFile() throws Exception {
		Path file = dir.resolve("result.tif");
		ImageFileWriter.write(new ImagePlus("previous", new ByteProcessor(5, 4)), file);
		byte[] previous = Files.readAllBytes(file);
		ImagePlus failing = new ImagePlus("failing", new SyntheticStack(5, 4, 6, 4));

		ImageFileException e;
		try (ConsoleCapture console = new ConsoleCapture()) {
			e = assertThrows(ImageFileException.class, () -> ImageFileWriter.write(failing, file));
			assertEquals("", console.printed());
		}

		assertTrue(e.getMessage().startsWith(file + " could not be written: "), e.getMessage());
		assertTrue(e.getMessage().contains("plane 4 cannot be read"), e.getMessage());
		assertEquals(Arrays.asList("result.tif"), filesIn(dir));
		assertArrayEquals(previous, Files.readAllBytes(file));
	}

	@Test
	void virtualStackIsWrittenPlaneByPlane() throws Exception {
		Path file = dir.resolve("virtual.tif");

		ImageFileWriter.write(new ImagePlus("virtual", new SyntheticStack(5, 4, 3, 0)), file);

		List<BufferedImage> pages = TestImages.decodeAll(file);
		assertEquals(3, pages.size());
		for (int i = 0; i < 3; i++) assertEquals((int) SyntheticStack.valueOf(i + 1), pages.get(i).getRaster().getSample(4, 3, 0));
	}

	@Test
	void refusesToOverwriteTheFileTheImageWasReadFrom() throws Exception {
		Path input = dir.resolve("input.tif");
		Files.copy(TestImages.resource(TestImages.FLUO16), input);
		byte[] original = Files.readAllBytes(input);
		ImagePlus image = ImageFileReader.open(input);

		assertRefused(image, input, "Refusing to write " + input, "it is the input file");
		assertRefused(image, dir.resolve("sub/../input.tif"), "it is the input file");
		assertArrayEquals(original, Files.readAllBytes(input));
		assertEquals(Arrays.asList("input.tif"), filesIn(dir));

		ImageFileWriter.write(image, dir.resolve("output.tif"));
		assertTrue(Files.exists(dir.resolve("output.tif")));
	}

	@Test
	void requireDistinctSeesThroughOtherSpellingsAndLinks() throws Exception {
		Path input = Files.write(dir.resolve("a.png"), new byte[] {1});
		Path link = Files.createSymbolicLink(dir.resolve("link.png"), input);

		ImageFileException e = assertThrows(ImageFileException.class, () -> ImageFileWriter.requireDistinct(input, link));
		assertEquals("Refusing to write " + link + ": it is the input file " + input
				+ ", which would be overwritten; choose another output folder or file name", e.getMessage());
		assertThrows(ImageFileException.class, () -> ImageFileWriter.requireDistinct(input, dir.resolve(".").resolve("a.png")));
		ImageFileWriter.requireDistinct(input, dir.resolve("b.png"));
		ImageFileWriter.requireDistinct(input, dir.resolve("out").resolve("a.png"));
	}

	@Test
	void writesIntoNewFolders() throws Exception {
		Path file = dir.resolve("new/deeper/out.tif");

		ImageFileWriter.write(new ImagePlus("x", new ByteProcessor(2, 2)), file);

		assertTrue(Files.isRegularFile(file));
		assertFalse(filesIn(file.getParent()).stream().anyMatch(name -> name.startsWith(".")));
	}
}
