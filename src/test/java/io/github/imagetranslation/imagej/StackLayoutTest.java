package io.github.imagetranslation.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ij.CompositeImage;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ColorProcessor;
import ij.process.ShortProcessor;

import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.SampleType;

class StackLayoutTest {

	private static final int W = 4;
	private static final int H = 3;

	@BeforeAll
	static void headless() {
		TestImages.headless();
	}

	/** The synthetic hyperstack's value at channel c, slice z, frame t (0-based), pixel (x, y): distinct and above 255. */
	private static int value(int c, int z, int t, int x, int y) {
		return 300 + 10000 * c + 1000 * t + 500 * z + 10 * y + x;
	}

	/** A 16-bit hyperstack with calibration and slice labels "c1 z1 t2" and so on, built in ImageJ's stack order. */
	private static ImagePlus hyperstack(int channels, int slices, int frames) {
		ImageStack stack = new ImageStack(W, H);
		for (int t = 0; t < frames; t++)
			for (int z = 0; z < slices; z++)
				for (int c = 0; c < channels; c++) {
					ShortProcessor ip = new ShortProcessor(W, H);
					for (int y = 0; y < H; y++)
						for (int x = 0; x < W; x++) ip.set(x, y, value(c, z, t, x, y));
					stack.addSlice("c" + (c + 1) + " z" + (z + 1) + " t" + (t + 1), ip);
				}
		ImagePlus image = new ImagePlus("hyper", stack);
		image.setDimensions(channels, slices, frames);
		image.setOpenAsHyperStack(true);
		Calibration cal = image.getCalibration();
		cal.pixelWidth = 0.5;
		cal.pixelHeight = 0.25;
		cal.pixelDepth = 2;
		cal.setUnit("micron");
		cal.frameInterval = 1.5;
		cal.setTimeUnit("min");
		image.setCalibration(cal);
		return image;
	}

	private static void assertPlane(FloatImage image, int channel, int c, int z, int t) {
		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++)
				assertEquals(value(c, z, t, x, y), image.get(channel, y, x), "channel " + channel + " at " + x + "," + y);
	}

	private static void assertSameCalibration(Calibration expected, Calibration actual) {
		assertEquals(expected.pixelWidth, actual.pixelWidth);
		assertEquals(expected.pixelHeight, actual.pixelHeight);
		assertEquals(expected.pixelDepth, actual.pixelDepth);
		assertEquals(expected.getUnit(), actual.getUnit());
		assertEquals(expected.frameInterval, actual.frameInterval);
		assertEquals(expected.getTimeUnit(), actual.getTimeUnit());
	}

	@Test
	void threeChannelModelTakesOneImagePerTimePoint() {
		ImagePlus image = hyperstack(3, 1, 2);

		StackLayout layout = StackLayout.forModel(image, 3);

		assertEquals(StackLayout.Grouping.CHANNELS, layout.grouping());
		assertEquals(2, layout.size());
		assertEquals(3, layout.inputChannels());
		assertEquals(SampleType.UINT16, layout.sampleType());
		for (int t = 0; t < 2; t++) {
			FloatImage input = layout.read(t);
			assertEquals("3x3x4", input.shapeString());
			for (int c = 0; c < 3; c++) assertPlane(input, c, c, 0, t);
			assertEquals(1, layout.slice(t));
			assertEquals(t + 1, layout.frame(t));
		}
		assertEquals("image 2 of 2 (z=1, t=2)", layout.describe(1));
	}

	@Test
	void oneChannelModelTakesEveryPlane() {
		ImagePlus image = hyperstack(3, 1, 2);

		StackLayout layout = StackLayout.forModel(image, 1);

		assertEquals(StackLayout.Grouping.PLANES, layout.grouping());
		assertEquals(6, layout.size());
		for (int i = 0; i < 6; i++) {
			int c = i % 3, t = i / 3;
			FloatImage input = layout.read(i);
			assertEquals(1, input.channels());
			assertPlane(input, 0, c, 0, t);
			assertEquals(c + 1, layout.channel(i));
			assertEquals(t + 1, layout.frame(i));
		}
		assertEquals("image 5 of 6 (c=2, z=1, t=2)", layout.describe(4));
	}

	@Test
	void channelGroupsFollowSlicesThenFrames() {
		ImagePlus image = hyperstack(2, 2, 2);

		StackLayout layout = StackLayout.forModel(image, 2);

		assertEquals(4, layout.size());
		for (int i = 0; i < 4; i++) {
			int z = i % 2, t = i / 2;
			assertEquals(z + 1, layout.slice(i));
			assertEquals(t + 1, layout.frame(i));
			FloatImage input = layout.read(i);
			assertPlane(input, 0, 0, z, t);
			assertPlane(input, 1, 1, z, t);
		}
	}

	@Test
	void identityTranslationReassemblesTheHyperstack() {
		ImagePlus image = hyperstack(3, 1, 2);
		StackLayout layout = StackLayout.forModel(image, 3);
		StackAssembler assembler = layout.assembler("result", 3, layout.sampleType());

		for (int i = layout.size() - 1; i >= 0; i--) assembler.put(i, layout.read(i));
		ImagePlus result = assembler.toImagePlus();

		assertEquals("result", result.getTitle());
		assertArrayEquals(new int[] {W, H, 3, 1, 2}, result.getDimensions());
		assertEquals(16, result.getBitDepth());
		assertTrue(result instanceof CompositeImage);
		assertSameCalibration(image.getCalibration(), result.getCalibration());
		for (int n = 1; n <= 6; n++) {
			assertEquals(image.getStack().getSliceLabel(n), result.getStack().getSliceLabel(n));
			assertArrayEquals((short[]) image.getStack().getPixels(n), (short[]) result.getStack().getPixels(n), "plane " + n);
		}
	}

	@Test
	void perPlaneTranslationReassemblesTheHyperstack() {
		ImagePlus image = hyperstack(3, 1, 2);
		StackLayout layout = StackLayout.forModel(image, 1);
		StackAssembler assembler = layout.assembler("planes", 1, SampleType.UINT16);

		for (int i = 0; i < layout.size(); i++) assembler.put(i, layout.read(i));
		ImagePlus result = assembler.toImagePlus();

		assertArrayEquals(new int[] {W, H, 3, 1, 2}, result.getDimensions());
		assertSameCalibration(image.getCalibration(), result.getCalibration());
		for (int n = 1; n <= 6; n++) {
			assertEquals(image.getStack().getSliceLabel(n), result.getStack().getSliceLabel(n));
			assertArrayEquals((short[]) image.getStack().getPixels(n), (short[]) result.getStack().getPixels(n));
		}
	}

	@Test
	void fewerOutputChannelsKeepSlicesFramesAndFirstChannelLabels() {
		ImagePlus image = hyperstack(3, 1, 2);
		StackLayout layout = StackLayout.forModel(image, 3);
		StackAssembler assembler = layout.assembler("sum", 1, SampleType.FLOAT32);

		for (int i = 0; i < layout.size(); i++) {
			FloatImage in = layout.read(i);
			FloatImage out = new FloatImage(1, H, W);
			for (int y = 0; y < H; y++)
				for (int x = 0; x < W; x++) out.set(0, y, x, in.get(0, y, x) + in.get(1, y, x) + in.get(2, y, x) + 0.25f);
			assembler.put(i, out);
		}
		ImagePlus result = assembler.toImagePlus();

		assertArrayEquals(new int[] {W, H, 1, 1, 2}, result.getDimensions());
		assertEquals(32, result.getBitDepth());
		assertSameCalibration(image.getCalibration(), result.getCalibration());
		assertEquals("c1 z1 t1", result.getStack().getSliceLabel(1));
		assertEquals("c1 z1 t2", result.getStack().getSliceLabel(2));
		float expected = value(0, 0, 1, 3, 2) + value(1, 0, 1, 3, 2) + value(2, 0, 1, 3, 2) + 0.25f;
		assertEquals(expected, result.getStack().getProcessor(2).getf(3, 2));
	}

	@Test
	void moreOutputChannelsPerPlaneMultiplyTheChannels() {
		ImagePlus image = hyperstack(2, 1, 1);
		StackLayout layout = StackLayout.forModel(image, 1);
		StackAssembler assembler = layout.assembler("split", 2, SampleType.UINT8);

		for (int i = 0; i < layout.size(); i++) {
			float[] data = new float[2 * W * H];
			Arrays.fill(data, 0, W * H, 10 * (i + 1));
			Arrays.fill(data, W * H, 2 * W * H, 10 * (i + 1) + 1);
			assembler.put(i, new FloatImage(2, H, W, data));
		}
		ImagePlus result = assembler.toImagePlus();

		assertArrayEquals(new int[] {W, H, 4, 1, 1}, result.getDimensions());
		assertEquals(8, result.getBitDepth());
		int[] expected = {10, 11, 20, 21};
		String[] labels = {"c1 z1 t1", "c1 z1 t1", "c2 z1 t1", "c2 z1 t1"};
		for (int n = 1; n <= 4; n++) {
			assertEquals(expected[n - 1], result.getStack().getProcessor(n).get(1, 1));
			assertEquals(labels[n - 1], result.getStack().getSliceLabel(n));
		}
	}

	@Test
	void rgbStackGivesColourPlanesAndAssemblesBackToRgb() {
		ImageStack stack = new ImageStack(2, 1);
		stack.addSlice("first", PlaneConverterTest.rgb(new int[] {1, 2, 3}, new int[] {250, 0, 9}));
		stack.addSlice("second", PlaneConverterTest.rgb(new int[] {4, 5, 6}, new int[] {7, 8, 200}));
		ImagePlus image = new ImagePlus("rgb", stack);
		Calibration cal = image.getCalibration();
		cal.pixelWidth = 3;
		cal.setUnit("mm");
		image.setCalibration(cal);

		StackLayout layout = StackLayout.forModel(image, 3);
		assertEquals(StackLayout.Grouping.COLOUR_PLANES, layout.grouping());
		assertEquals(2, layout.size());
		assertArrayEquals(new float[] {4, 7, 5, 8, 6, 200}, layout.read(1).data());

		StackAssembler colour = layout.assembler("colour", 3, SampleType.UINT8);
		for (int i = 0; i < 2; i++) colour.put(i, layout.read(i));
		ImagePlus result = colour.toImagePlus();
		assertEquals(ImagePlus.COLOR_RGB, result.getType());
		assertEquals(2, result.getStackSize());
		assertEquals("second", result.getStack().getSliceLabel(2));
		assertEquals(3, result.getCalibration().pixelWidth);
		assertEquals("mm", result.getCalibration().getUnit());
		int[] source = (int[]) image.getStack().getPixels(2), written = (int[]) result.getStack().getPixels(2);
		for (int i = 0; i < source.length; i++) assertEquals(source[i] & 0xffffff, written[i] & 0xffffff);

		StackAssembler grey = layout.assembler("grey", 1, SampleType.UINT8);
		for (int i = 0; i < 2; i++) grey.put(i, new FloatImage(1, 1, 2, new float[] {i, 100 + i}));
		ImagePlus greyResult = grey.toImagePlus();
		assertEquals(ImagePlus.GRAY8, greyResult.getType());
		assertEquals(101, greyResult.getStack().getProcessor(2).get(1, 0));
	}

	@Test
	void greyImageSavedAsRgbSuitsAOneChannelModel() {
		ImageStack stack = new ImageStack(2, 1);
		stack.addSlice(PlaneConverterTest.rgb(new int[] {9, 9, 9}, new int[] {200, 200, 200}));
		ImagePlus image = new ImagePlus("grey as rgb", stack);

		StackLayout layout = StackLayout.forModel(image, 1);

		assertEquals(StackLayout.Grouping.PLANES, layout.grouping());
		assertArrayEquals(new float[] {9, 200}, layout.read(0).data());
	}

	@Test
	void colourImageDoesNotSuitAOneChannelModel() {
		ImagePlus image = new ImagePlus("photo", PlaneConverterTest.rgb(new int[] {9, 9, 9}, new int[] {200, 10, 200}));

		IncompatibleImageException e = assertThrows(IncompatibleImageException.class, () -> StackLayout.forModel(image, 1));

		assertEquals("The model expects 1 channel but image \"photo\" is in colour (3 channels); convert it to grey first (Image > Type > 8-bit)", e.getMessage());
		IncompatibleImageException four = assertThrows(IncompatibleImageException.class, () -> StackLayout.forModel(image, 4));
		assertTrue(four.getMessage().contains("expects 4 channels"), four.getMessage());
	}

	@Test
	void channelCountMismatchNamesBothCounts() {
		IncompatibleImageException e = assertThrows(IncompatibleImageException.class, () -> StackLayout.forModel(hyperstack(3, 1, 2), 2));
		assertEquals("The model expects 2 channels but image \"hyper\" has 3 channels (1 slices, 2 frames)", e.getMessage());

		ImagePlus plainStack = hyperstack(1, 4, 1);
		IncompatibleImageException hint = assertThrows(IncompatibleImageException.class, () -> StackLayout.forModel(plainStack, 2));
		assertTrue(hint.getMessage().startsWith("The model expects 2 channels but image \"hyper\" has 1 channel (4 slices, 1 frames)"), hint.getMessage());
		assertTrue(hint.getMessage().contains("channels=2 in Image > Properties"), hint.getMessage());
	}

	@Test
	void assemblerRejectsWrongResultsAndReportsMissingOnes() {
		StackLayout layout = StackLayout.forModel(hyperstack(3, 1, 2), 3);
		StackAssembler assembler = layout.assembler("out", 1, SampleType.UINT16);

		IncompatibleImageException channels = assertThrows(IncompatibleImageException.class, () -> assembler.put(0, new FloatImage(2, H, W)));
		assertTrue(channels.getMessage().contains("has 2 channels but 1 were expected"), channels.getMessage());
		IncompatibleImageException size = assertThrows(IncompatibleImageException.class, () -> assembler.put(0, new FloatImage(1, H, W + 1)));
		assertTrue(size.getMessage().contains("is 5x3 but the source is 4x3"), size.getMessage());
		assertThrows(IndexOutOfBoundsException.class, () -> assembler.put(2, new FloatImage(1, H, W)));

		assembler.put(0, new FloatImage(1, H, W));
		assertThrows(IllegalStateException.class, () -> assembler.put(0, new FloatImage(1, H, W)));
		assertFalse(assembler.isComplete());
		IllegalStateException missing = assertThrows(IllegalStateException.class, assembler::toImagePlus);
		assertEquals("Only 1 of 2 translated images were stored; image 2 of 2 (z=1, t=2) is missing", missing.getMessage());
	}

	@Test
	void readingConvertsOnlyTheRequestedPlane() {
		SyntheticStack stack = new SyntheticStack(5, 4, 200, 0);
		ImagePlus image = new ImagePlus("virtual", stack);
		StackLayout layout = StackLayout.forModel(image, 1);
		stack.requested.clear();

		FloatImage plane = layout.read(149);

		assertEquals(Arrays.asList(150), stack.requested);
		assertEquals(SyntheticStack.valueOf(150), plane.get(0, 3, 4));
	}

	@Test
	void realFourSliceStackStreamsPlaneByPlane() throws Exception {
		ImagePlus image = ImageFileReader.open(TestImages.resource(TestImages.NUCLEI));
		List<BufferedImage> expected = TestImages.decodeAll(TestImages.resource(TestImages.NUCLEI));

		StackLayout layout = StackLayout.forModel(image, 1);
		StackAssembler inverted = layout.assembler("inverted", 1, layout.sampleType());
		for (int i = 0; i < layout.size(); i++) {
			FloatImage plane = layout.read(i);
			int[] samples = TestImages.samples(expected.get(i), 0);
			for (int p = 0; p < samples.length; p++) assertEquals(samples[p], plane.data()[p], "slice " + (i + 1));
			FloatImage out = new FloatImage(1, plane.height(), plane.width());
			for (int p = 0; p < samples.length; p++) out.data()[p] = 255 - plane.data()[p];
			inverted.put(i, out);
		}
		ImagePlus result = inverted.toImagePlus();

		assertEquals(4, layout.size());
		assertEquals(4, result.getStackSize());
		assertEquals(8, result.getBitDepth());
		for (int i = 0; i < 4; i++) {
			int[] samples = TestImages.samples(expected.get(i), 0);
			byte[] pixels = (byte[]) result.getStack().getPixels(i + 1);
			for (int p = 0; p < samples.length; p++) assertEquals(255 - samples[p], pixels[p] & 0xff);
			assertEquals(image.getStack().getSliceLabel(i + 1), result.getStack().getSliceLabel(i + 1));
		}
	}

	@Test
	void colourProcessorPlanesAreNotMistakenForGrey() {
		ColorProcessor ip = PlaneConverterTest.rgb(new int[] {1, 2, 3}, new int[] {4, 5, 6});
		assertEquals(3, PlaneConverter.planeChannels(new ImagePlus("c", ip)));
	}
}
