package io.github.imagetranslation.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.IndexColorModel;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ij.CompositeImage;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;

import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.SampleType;

class PlaneConverterTest {

	@BeforeAll
	static void headless() {
		TestImages.headless();
	}

	@Test
	void eightBitGreyKeepsStoredValues() {
		byte[] pixels = {0, 1, 127, (byte) 128, (byte) 200, (byte) 255};
		ImagePlus image = new ImagePlus("grey", new ByteProcessor(3, 2, pixels));

		FloatImage plane = PlaneConverter.toFloatImage(image, 1);

		assertEquals(SampleType.UINT8, PlaneConverter.sampleType(image));
		assertEquals("1x2x3", plane.shapeString());
		assertArrayEquals(new float[] {0, 1, 127, 128, 200, 255}, plane.data());
	}

	@Test
	void sixteenBitKeepsValuesAbove255AndIgnoresCalibrationFunction() {
		short[] pixels = {0, 255, 256, 1000, (short) 32768, (short) 40000, (short) 65535, 7};
		ImagePlus image = new ImagePlus("16", new ShortProcessor(4, 2, pixels, null));
		Calibration signed = image.getCalibration();
		signed.setSigned16BitCalibration();
		image.setCalibration(signed);

		FloatImage plane = PlaneConverter.toFloatImage(image, 1);

		assertEquals(SampleType.UINT16, PlaneConverter.sampleType(image));
		assertArrayEquals(new float[] {0, 255, 256, 1000, 32768, 40000, 65535, 7}, plane.data());
	}

	@Test
	void thirtyTwoBitKeepsFloatsExactly() {
		float[] pixels = {-1.5f, 0f, 1e-7f, 3.4e38f, 0.1f, -0f};
		ImagePlus image = new ImagePlus("32", new FloatProcessor(2, 3, pixels.clone()));

		FloatImage plane = PlaneConverter.toFloatImage(image, 1);

		assertEquals(SampleType.FLOAT32, PlaneConverter.sampleType(image));
		assertEquals("1x3x2", plane.shapeString());
		assertArrayEquals(pixels, plane.data());
	}

	@Test
	void rgbGivesThreeChannelsInRedGreenBlueOrder() {
		ColorProcessor ip = new ColorProcessor(2, 1);
		ip.set(0, 0, (10 << 16) | (20 << 8) | 30);
		ip.set(1, 0, (255 << 16) | (0 << 8) | 128);
		ImagePlus image = new ImagePlus("rgb", ip);

		FloatImage plane = PlaneConverter.toFloatImage(image, 1);

		assertEquals(SampleType.UINT8, PlaneConverter.sampleType(image));
		assertEquals(3, PlaneConverter.planeChannels(image));
		assertArrayEquals(new float[] {10, 255, 20, 0, 30, 128}, plane.data());
	}

	@Test
	void colour256MapsIndicesThroughTheLut() {
		IndexColorModel lut = colourLut();
		ByteProcessor ip = new ByteProcessor(3, 1, new byte[] {0, 5, (byte) 200});
		ip.setColorModel(lut);
		ImagePlus image = new ImagePlus("palette", ip);
		image.setTypeToColor256();
		assertEquals(ImagePlus.COLOR_256, image.getType());

		FloatImage plane = PlaneConverter.toFloatImage(image, 1);

		assertEquals(3, plane.channels());
		int[] indices = {0, 5, 200};
		for (int x = 0; x < 3; x++) {
			assertEquals(lut.getRed(indices[x]), plane.get(0, 0, x));
			assertEquals(lut.getGreen(indices[x]), plane.get(1, 0, x));
			assertEquals(lut.getBlue(indices[x]), plane.get(2, 0, x));
		}
	}

	@Test
	void paletteImageOpenedAsEightBitWithColourLutIsMapped() {
		// palette PNG/GIF/BMP files open in ImageJ as GRAY8 with a colour LUT
		ByteProcessor ip = new ByteProcessor(2, 1, new byte[] {3, 9});
		ip.setColorModel(colourLut());
		ImagePlus image = new ImagePlus("palette", ip);
		assertEquals(ImagePlus.GRAY8, image.getType());

		FloatImage plane = PlaneConverter.toFloatImage(image, 1);

		assertArrayEquals(new float[] {3 * 37 % 256, 9 * 37 % 256, 255 - 3, 255 - 9, 3 * 3, 9 * 3}, plane.data());
	}

	@Test
	void greyPaletteGivesOneChannelOfPaletteValues() {
		byte[] grey = new byte[256];
		for (int i = 0; i < 256; i++) grey[i] = (byte) (100 + i / 4);
		ByteProcessor ip = new ByteProcessor(3, 1, new byte[] {0, 8, (byte) 255});
		ip.setColorModel(new IndexColorModel(8, 256, grey, grey, grey));
		ImagePlus image = new ImagePlus("grey palette", ip);

		FloatImage plane = PlaneConverter.toFloatImage(image, 1);

		assertEquals(1, PlaneConverter.planeChannels(image));
		assertArrayEquals(new float[] {100, 102, 163}, plane.data());
	}

	@Test
	void displayLutsDoNotChangeValues() {
		byte[] pixels = {0, 60, (byte) 250};
		float[] expected = {0, 60, 250};

		ByteProcessor inverted = new ByteProcessor(3, 1, pixels.clone());
		inverted.invertLut();
		assertArrayEquals(expected, PlaneConverter.toFloatImage(new ImagePlus("inverted", inverted), 1).data());

		ByteProcessor contrast = new ByteProcessor(3, 1, pixels.clone());
		contrast.setMinAndMax(50, 100);
		assertArrayEquals(expected, PlaneConverter.toFloatImage(new ImagePlus("contrast", contrast), 1).data());

		byte[] r = new byte[256], g = new byte[256], b = new byte[256];
		for (int i = 0; i < 256; i++) {
			r[i] = (byte) i;
			g[i] = (byte) (i / 2);
			b[i] = (byte) (255 - i);
		}
		ByteProcessor pseudo = new ByteProcessor(3, 1, pixels.clone());
		pseudo.setColorModel(new IndexColorModel(8, 256, r, g, b));
		ImagePlus pseudoImage = new ImagePlus("pseudo-colour", pseudo);
		assertEquals(1, PlaneConverter.planeChannels(pseudoImage));
		assertArrayEquals(expected, PlaneConverter.toFloatImage(pseudoImage, 1).data());
	}

	@Test
	void collapseMakesEqualChannelRgbGreyOnlyWhenEveryPlaneIsGrey() {
		ImageStack stack = new ImageStack(2, 1);
		stack.addSlice(rgb(new int[] {5, 5, 5}, new int[] {9, 9, 9}));
		stack.addSlice(rgb(new int[] {7, 7, 7}, new int[] {0, 0, 0}));
		ImagePlus grey = new ImagePlus("grey rgb", stack);

		List<FloatImage> collapsed = PlaneConverter.toFloatImages(grey, true);
		List<FloatImage> kept = PlaneConverter.toFloatImages(grey, false);

		assertTrue(PlaneConverter.isGreyEverywhere(grey));
		assertEquals(2, collapsed.size());
		assertArrayEquals(new float[] {5, 9}, collapsed.get(0).data());
		assertArrayEquals(new float[] {7, 0}, collapsed.get(1).data());
		assertEquals(3, kept.get(0).channels());

		ImageStack mixed = new ImageStack(2, 1);
		mixed.addSlice(rgb(new int[] {5, 5, 5}, new int[] {9, 9, 9}));
		mixed.addSlice(rgb(new int[] {7, 7, 7}, new int[] {0, 1, 0}));
		ImagePlus colour = new ImagePlus("one colour pixel", mixed);
		assertFalse(PlaneConverter.isGreyEverywhere(colour));
		List<FloatImage> notCollapsed = PlaneConverter.toFloatImages(colour, true);
		assertEquals(3, notCollapsed.get(0).channels());
		assertEquals(3, notCollapsed.get(1).channels());
	}

	@Test
	void toProcessorRoundsAndClamps() {
		FloatImage image = new FloatImage(1, 1, 7, new float[] {-3f, 0.4f, 0.5f, 1.5f, 254.6f, 300f, Float.NaN});

		ImageProcessor bytes = PlaneConverter.toProcessor(image, 0, SampleType.UINT8);
		assertTrue(bytes instanceof ByteProcessor);
		int[] expected8 = {0, 0, 1, 2, 255, 255, 0};
		for (int x = 0; x < 7; x++) assertEquals(expected8[x], bytes.get(x, 0), "x=" + x);

		FloatImage wide = new FloatImage(1, 1, 5, new float[] {-1f, 65535.4f, 65536f, 256.5f, 1000f});
		ImageProcessor shorts = PlaneConverter.toProcessor(wide, 0, SampleType.UINT16);
		assertTrue(shorts instanceof ShortProcessor);
		int[] expected16 = {0, 65535, 65535, 257, 1000};
		for (int x = 0; x < 5; x++) assertEquals(expected16[x], shorts.get(x, 0), "x=" + x);

		ImageProcessor floats = PlaneConverter.toProcessor(wide, 0, SampleType.FLOAT32);
		assertArrayEquals(new float[] {-1f, 65535.4f, 65536f, 256.5f, 1000f}, (float[]) floats.getPixels());
	}

	@Test
	void toProcessorTakesTheRequestedChannel() {
		FloatImage image = new FloatImage(2, 1, 2, new float[] {1, 2, 30, 40});
		ImageProcessor second = PlaneConverter.toProcessor(image, 1, SampleType.UINT16);
		assertEquals(30, second.get(0, 0));
		assertEquals(40, second.get(1, 0));
		assertThrows(IllegalArgumentException.class, () -> PlaneConverter.toProcessor(image, 2, SampleType.UINT8));
	}

	@Test
	void toImagePlusBuildsGreyRgbOrCompositeImages() {
		FloatImage a = new FloatImage(1, 2, 3, new float[] {0, 1, 2, 3, 4, 70000});
		FloatImage b = new FloatImage(1, 2, 3, new float[] {5, 6, 7, 8, 9, 10});
		ImagePlus grey = PlaneConverter.toImagePlus("grey", Arrays.asList(a, b), SampleType.UINT16);
		assertEquals(16, grey.getBitDepth());
		assertEquals(2, grey.getStackSize());
		assertEquals(3, grey.getWidth());
		assertEquals(2, grey.getHeight());
		assertEquals(65535, grey.getStack().getProcessor(1).get(2, 1));
		assertEquals(8, grey.getStack().getProcessor(2).get(0, 1));

		FloatImage colour = new FloatImage(3, 1, 1, new float[] {10, 20, 30});
		ImagePlus rgb = PlaneConverter.toImagePlus("rgb", Arrays.asList(colour), SampleType.UINT8);
		assertEquals(ImagePlus.COLOR_RGB, rgb.getType());
		assertEquals((10 << 16) | (20 << 8) | 30, rgb.getProcessor().get(0, 0) & 0xffffff);

		FloatImage two = new FloatImage(2, 1, 1, new float[] {1.5f, 2.5f});
		ImagePlus composite = PlaneConverter.toImagePlus("two", Arrays.asList(two, two, two), SampleType.FLOAT32);
		assertTrue(composite instanceof CompositeImage);
		assertEquals(2, composite.getNChannels());
		assertEquals(3, composite.getNSlices());
		assertEquals(2.5f, composite.getStack().getProcessor(composite.getStackIndex(2, 3, 1)).getf(0, 0));

		FloatImage other = new FloatImage(1, 3, 2);
		assertThrows(IncompatibleImageException.class, () -> PlaneConverter.toImagePlus("mixed", Arrays.asList(a, other), SampleType.UINT8));
	}

	@Test
	void imagesWithoutPixelsAreRejectedClearly() {
		IncompatibleImageException e = assertThrows(IncompatibleImageException.class, () -> PlaneConverter.sampleType(new ImagePlus()));
		assertTrue(e.getMessage().contains("no pixels"), e.getMessage());
	}

	/** A colour LUT with no smooth ramps: red = 37 i mod 256, green = 255 - i, blue = 3 i mod 256. */
	static IndexColorModel colourLut() {
		byte[] r = new byte[256], g = new byte[256], b = new byte[256];
		for (int i = 0; i < 256; i++) {
			r[i] = (byte) (i * 37 % 256);
			g[i] = (byte) (255 - i);
			b[i] = (byte) (i * 3 % 256);
		}
		return new IndexColorModel(8, 256, r, g, b);
	}

	/** A 2x1 RGB processor. */
	static ColorProcessor rgb(int[] first, int[] second) {
		ColorProcessor ip = new ColorProcessor(2, 1);
		ip.set(0, 0, (first[0] << 16) | (first[1] << 8) | first[2]);
		ip.set(1, 0, (second[0] << 16) | (second[1] << 8) | second[2]);
		return ip;
	}
}
