package io.github.imagetranslation.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;

import io.github.imagetranslation.engine.image.FloatImage;

class SlicePairsTest {

	@BeforeAll
	static void headless() {
		TestImages.headless();
	}

	private static ImagePlus stack(String title, int slices, int width, int height) {
		ImageStack stack = new ImageStack(width, height);
		for (int i = 0; i < slices; i++) {
			ByteProcessor ip = new ByteProcessor(width, height);
			ip.setValue(10 * (i + 1));
			ip.fill();
			stack.addSlice(ip);
		}
		return new ImagePlus(title, stack);
	}

	@Test
	void pairsRealStacksSliceBySlice() throws Exception {
		ImagePlus nuclei = ImageFileReader.open(TestImages.resource(TestImages.NUCLEI));
		ImagePlus target = stack("target", 4, 64, 64);
		List<BufferedImage> expected = TestImages.decodeAll(TestImages.resource(TestImages.NUCLEI));

		SlicePairs pairs = SlicePairs.of(nuclei, target, true);

		assertEquals(4, pairs.size());
		for (int i = 0; i < 4; i++) {
			int[] samples = TestImages.samples(expected.get(i), 0);
			float[] input = pairs.input(i).data();
			for (int p = 0; p < samples.length; p++) assertEquals(samples[p], input[p]);
			assertEquals(10 * (i + 1), pairs.target(i).get(0, 63, 63));
		}
	}

	@Test
	void differentSliceCountsFail() {
		IncompatibleImageException e = assertThrows(IncompatibleImageException.class,
				() -> SlicePairs.of(stack("in.tif", 4, 8, 8), stack("out.tif", 5, 8, 8), true));
		assertEquals("The input \"in.tif\" has 4 slices but the target \"out.tif\" has 5; slices are paired by index", e.getMessage());
	}

	@Test
	void differentSizesFailNamingBothSizes() {
		IncompatibleImageException e = assertThrows(IncompatibleImageException.class,
				() -> SlicePairs.of(stack("in.tif", 2, 8, 6), stack("out.tif", 2, 8, 7), true));
		assertEquals("Slice 1 of the input \"in.tif\" is 8x6 but slice 1 of the target \"out.tif\" is 8x7; paired slices must have the same width and height", e.getMessage());
	}

	@Test
	void listsArePairedAndEachPairIsChecked() {
		FloatImage small = new FloatImage(1, 4, 4), large = new FloatImage(1, 4, 5);
		SlicePairs pairs = SlicePairs.of(Arrays.asList(small, large), Arrays.asList(small, new FloatImage(3, 4, 5)), "a.tif", "b.tif");
		assertEquals(2, pairs.size());
		assertEquals(3, pairs.target(1).channels());

		IncompatibleImageException e = assertThrows(IncompatibleImageException.class,
				() -> SlicePairs.of(Arrays.asList(small, large), Arrays.asList(small, small), "a.tif", "b.tif"));
		assertEquals("Slice 2 of the input \"a.tif\" is 5x4 but slice 2 of the target \"b.tif\" is 4x4; paired slices must have the same width and height", e.getMessage());
		assertThrows(IncompatibleImageException.class, () -> SlicePairs.of(Arrays.asList(small), Arrays.asList(small, small), "a", "b"));
	}

	@Test
	void greyRgbTargetCollapsesOnlyWhenAsked() {
		ImageStack rgb = new ImageStack(2, 1);
		rgb.addSlice(PlaneConverterTest.rgb(new int[] {3, 3, 3}, new int[] {4, 4, 4}));
		ImagePlus target = new ImagePlus("grey rgb", rgb);
		ImagePlus input = stack("in", 1, 2, 1);

		assertArrayEquals(new float[] {3, 4}, SlicePairs.of(input, target, true).target(0).data());
		assertEquals(3, SlicePairs.of(input, target, false).target(0).channels());
	}
}
