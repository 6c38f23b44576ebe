package io.github.imagetranslation.imagej;

import java.util.ArrayList;
import java.util.List;

import ij.CompositeImage;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;

import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.SampleType;

/**
 * Lossless conversion between ImageJ images and the engine's {@link FloatImage}. 8-bit grey, 16-bit and 32-bit
 * planes become one channel with their stored values (calibration functions ignored), RGB planes three 8-bit
 * channels, and 8-bit palette images the palette's values (see {@link #toFloatImage}). The way back rounds and
 * clamps to the chosen {@link SampleType} as {@link SampleType#represent} does.
 * <p>
 * To cut stacks and hyperstacks into network inputs and assemble the results, use {@link StackLayout}.
 */
public final class PlaneConverter {

	private PlaneConverter() {}

	/** UINT8 for 8-bit and RGB images, UINT16 for 16-bit, FLOAT32 for 32-bit. */
	public static SampleType sampleType(ImagePlus image) {
		PlaneReader.requireContent(image);
		return PlaneReader.sampleTypeOf(image);
	}

	/** Channels each stack plane of {@code image} gives: 3 for RGB and 8-bit colour palettes, else 1. */
	public static int planeChannels(ImagePlus image) {
		return new PlaneReader(image).channelsPerPlane();
	}

	/** Whether every plane of {@code image} is grey: one channel, or RGB (or colour palette) with equal channels. */
	public static boolean isGreyEverywhere(ImagePlus image) {
		return new PlaneReader(image).isGreyEverywhere();
	}

	/**
	 * Stack plane {@code index} (1-based, in ImageJ's stack order) as a FloatImage: RGB gives 3 channels, grey 1.
	 * 8-bit values are the stored indices unless the LUT maps indices to values: for 8-bit colour images
	 * (COLOR_256, or a non-pseudo-colour palette as palette PNG/GIF/BMP files have) and for grey palettes other
	 * than the identity and inverted ramps; then the palette's values are returned, 1 channel if it is grey,
	 * else 3.
	 */
	public static FloatImage toFloatImage(ImagePlus image, int index) {
		PlaneReader reader = new PlaneReader(image);
		checkIndex(reader, index);
		return reader.read(index);
	}

	/**
	 * Every stack plane of {@code image} in stack order. With {@code collapseGreyRgb}, an RGB (or colour
	 * palette) image whose three channels are equal in every plane gives 1-channel images; the decision is
	 * taken for the whole stack so all images have the same channel count.
	 */
	public static List<FloatImage> toFloatImages(ImagePlus image, boolean collapseGreyRgb) {
		PlaneReader reader = new PlaneReader(image);
		boolean grey = collapseGreyRgb && reader.channelsPerPlane() == 3 && reader.isGreyEverywhere();
		List<FloatImage> planes = new ArrayList<>(reader.planeCount());
		for (int i = 1; i <= reader.planeCount(); i++)
			planes.add(grey ? reader.readGrey(i) : reader.read(i));
		return planes;
	}

	/** Channel {@code channel} of {@code image} as an 8-, 16- or 32-bit processor, rounded and clamped to {@code type}. */
	public static ImageProcessor toProcessor(FloatImage image, int channel, SampleType type) {
		if (channel < 0 || channel >= image.channels())
			throw new IllegalArgumentException("Channel " + channel + " is outside the " + image.channels() + "-channel image");
		int w = image.width(), h = image.height(), n = w * h, offset = channel * n;
		float[] data = image.data();
		switch (type) {
			case UINT8: {
				byte[] p = new byte[n];
				for (int i = 0; i < n; i++) p[i] = (byte) (int) type.represent(data[offset + i]);
				return new ByteProcessor(w, h, p);
			}
			case UINT16: {
				short[] p = new short[n];
				for (int i = 0; i < n; i++) p[i] = (short) (int) type.represent(data[offset + i]);
				return new ShortProcessor(w, h, p, null);
			}
			default: {
				float[] p = new float[n];
				System.arraycopy(data, offset, p, 0, n);
				return new FloatProcessor(w, h, p);
			}
		}
	}

	/** A 3-channel image as RGB, each channel rounded and clamped to 0-255. */
	public static ColorProcessor toColorProcessor(FloatImage image) {
		if (image.channels() != 3)
			throw new IllegalArgumentException("An RGB image needs 3 channels, not " + image.channels());
		int w = image.width(), h = image.height(), n = w * h;
		float[] data = image.data();
		int[] p = new int[n];
		for (int i = 0; i < n; i++) {
			int r = (int) SampleType.UINT8.represent(data[i]);
			int g = (int) SampleType.UINT8.represent(data[n + i]);
			int b = (int) SampleType.UINT8.represent(data[2 * n + i]);
			p[i] = 0xff000000 | (r << 16) | (g << 8) | b;
		}
		return new ColorProcessor(w, h, p);
	}

	/**
	 * Images of equal shape as one ImagePlus: 1-channel images become a grey stack of {@code type}, 3-channel
	 * UINT8 images an RGB stack, other channel counts a composite hyperstack (channels x planes).
	 */
	public static ImagePlus toImagePlus(String title, List<FloatImage> planes, SampleType type) {
		if (planes.isEmpty()) throw new IllegalArgumentException("No images to convert");
		FloatImage first = planes.get(0);
		for (int i = 1; i < planes.size(); i++)
			if (!planes.get(i).sameShape(first))
				throw new IncompatibleImageException("Image " + (i + 1) + " is " + planes.get(i).shapeString()
						+ " but image 1 is " + first.shapeString() + "; all images of one stack need the same shape");
		int channels = first.channels();
		boolean rgb = channels == 3 && type == SampleType.UINT8;
		ImageStack stack = new ImageStack(first.width(), first.height());
		for (FloatImage plane : planes) {
			if (rgb) stack.addSlice(null, toColorProcessor(plane));
			else for (int c = 0; c < channels; c++) stack.addSlice(null, toProcessor(plane, c, type));
		}
		ImagePlus image = new ImagePlus(title, stack);
		if (rgb || channels == 1) return image;
		image.setDimensions(channels, planes.size(), 1);
		return asComposite(image);
	}

	/** A multi-channel image as a composite with reset display ranges, as ImageJ would show it. */
	static ImagePlus asComposite(ImagePlus image) {
		image.setOpenAsHyperStack(true);
		int channels = image.getNChannels();
		if (channels < 2) return image;
		CompositeImage composite = new CompositeImage(image, channels <= 7 ? IJ.COMPOSITE : IJ.COLOR);
		composite.resetDisplayRanges();
		return composite;
	}

	private static void checkIndex(PlaneReader reader, int index) {
		if (index < 1 || index > reader.planeCount())
			throw new IndexOutOfBoundsException("Plane " + index + " is outside 1-" + reader.planeCount());
	}
}
