package io.github.imagetranslation.imagej;

import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;

import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.SampleType;

/**
 * Reads the stack planes of one ImagePlus as float samples, deciding once per image how its pixels are to be
 * understood: 16- and 32-bit values as stored (calibration functions ignored), RGB as three 8-bit channels,
 * and 8-bit values as stored unless the LUT is a table from index to value.
 * <p>
 * An 8-bit LUT is such a table when ImageJ calls the image 8-bit colour (COLOR_256), when it is grey but
 * neither the identity nor the inverted ramp (a palette image of grey levels), or when it is a colour table
 * that ImageJ does not consider a pseudo-colour display LUT (palette PNG, GIF and BMP files open as 8-bit with
 * such a LUT). Display LUTs (grey, inverted, "Fire" and the like) and brightness/contrast settings never change
 * the values.
 */
final class PlaneReader {

	private final ImageStack stack;
	private final int width;
	private final int height;
	private final SampleType sampleType;
	private final boolean rgb;
	/** Index to value tables when 8-bit indices are mapped through the LUT, else null. */
	private final float[][] lut;

	PlaneReader(ImagePlus image) {
		requireContent(image);
		this.stack = image.getStack();
		this.width = image.getWidth();
		this.height = image.getHeight();
		this.sampleType = sampleTypeOf(image);
		this.rgb = image.getType() == ImagePlus.COLOR_RGB;
		this.lut = sampleType == SampleType.UINT8 && !rgb && !image.isComposite() ? valueTable(image) : null;
	}

	static void requireContent(ImagePlus image) {
		if (image == null)
			throw new IncompatibleImageException("No image was given");
		if (image.getProcessor() == null || image.getWidth() < 1 || image.getHeight() < 1 || image.getStackSize() < 1)
			throw new IncompatibleImageException("Image \"" + image.getTitle() + "\" has no pixels");
	}

	static SampleType sampleTypeOf(ImagePlus image) {
		switch (image.getBitDepth()) {
			case 8: case 24: return SampleType.UINT8;
			case 16: return SampleType.UINT16;
			case 32: return SampleType.FLOAT32;
			default: throw new IncompatibleImageException("Image \"" + image.getTitle() + "\" has an unsupported bit depth " + image.getBitDepth());
		}
	}

	private static float[][] valueTable(ImagePlus image) {
		ColorModel model = image.getProcessor().getColorModel();
		if (!(model instanceof IndexColorModel)) return null;
		IndexColorModel icm = (IndexColorModel) model;
		int size = Math.min(256, icm.getMapSize());
		float[][] table = new float[3][256];
		boolean identity = size == 256, inverted = size == 256, grey = true;
		for (int i = 0; i < size; i++) {
			int r = icm.getRed(i), g = icm.getGreen(i), b = icm.getBlue(i);
			table[0][i] = r;
			table[1][i] = g;
			table[2][i] = b;
			grey &= r == g && g == b;
			identity &= r == i && g == i && b == i;
			inverted &= r == 255 - i && g == 255 - i && b == 255 - i;
		}
		boolean map;
		if (image.getType() == ImagePlus.COLOR_256) map = true;
		else if (identity || inverted) map = false;
		else if (grey) map = true;
		else map = !isPseudoColour(icm);
		if (!map) return null;
		return grey ? new float[][] {table[0]} : table;
	}

	/** ImageJ's own test, on a fresh processor so that threshold display settings do not take part. */
	private static boolean isPseudoColour(IndexColorModel icm) {
		ByteProcessor probe = new ByteProcessor(1, 1);
		probe.setColorModel(icm);
		return probe.isPseudoColorLut();
	}

	int width() { return width; }
	int height() { return height; }
	int planeCount() { return stack.getSize(); }
	SampleType sampleType() { return sampleType; }

	/** Channels one plane gives: 3 for RGB and 8-bit colour palettes, else 1. */
	int channelsPerPlane() {
		return rgb || (lut != null && lut.length == 3) ? 3 : 1;
	}

	/** Reads plane {@code index} (1-based stack index) with all its channels. */
	FloatImage read(int index) {
		int channels = channelsPerPlane();
		float[] data = new float[channels * width * height];
		readInto(index, data, 0, false);
		return new FloatImage(channels, height, width, data);
	}

	/** Reads plane {@code index} as one grey channel; a colour plane must have three equal channels. */
	FloatImage readGrey(int index) {
		float[] data = new float[width * height];
		readInto(index, data, 0, true);
		return new FloatImage(1, height, width, data);
	}

	/**
	 * Writes plane {@code index}'s channels into {@code out} from {@code offset}, channel after channel, or
	 * only its grey values if {@code grey} (then a colour plane must have three equal channels).
	 */
	void readInto(int index, float[] out, int offset, boolean grey) {
		Object pixels = stack.getPixels(index);
		int n = width * height;
		if (pixels instanceof byte[]) {
			byte[] p = (byte[]) pixels;
			if (lut == null)
				for (int i = 0; i < n; i++) out[offset + i] = p[i] & 0xff;
			else {
				int channels = grey ? 1 : lut.length;
				for (int c = 0; c < channels; c++) {
					float[] table = lut[c];
					int base = offset + c * n;
					for (int i = 0; i < n; i++) out[base + i] = table[p[i] & 0xff];
				}
				if (grey && lut.length == 3) requireGrey(index);
			}
		} else if (pixels instanceof short[]) {
			short[] p = (short[]) pixels;
			for (int i = 0; i < n; i++) out[offset + i] = p[i] & 0xffff;
		} else if (pixels instanceof float[]) {
			System.arraycopy(pixels, 0, out, offset, n);
		} else if (pixels instanceof int[]) {
			int[] p = (int[]) pixels;
			if (grey) {
				for (int i = 0; i < n; i++) {
					int v = p[i];
					int r = (v >> 16) & 0xff;
					if (r != ((v >> 8) & 0xff) || r != (v & 0xff)) throw notGrey(index);
					out[offset + i] = r;
				}
			} else {
				for (int i = 0; i < n; i++) {
					int v = p[i];
					out[offset + i] = (v >> 16) & 0xff;
					out[offset + n + i] = (v >> 8) & 0xff;
					out[offset + 2 * n + i] = v & 0xff;
				}
			}
		} else {
			throw new IncompatibleImageException("Plane " + index + " has no pixels or an unsupported pixel type");
		}
	}

	/** Whether plane {@code index} has one channel, or three equal ones. */
	boolean isGrey(int index) {
		if (channelsPerPlane() == 1) return true;
		Object pixels = stack.getPixels(index);
		if (pixels instanceof int[]) {
			for (int v : (int[]) pixels) {
				int r = (v >> 16) & 0xff;
				if (r != ((v >> 8) & 0xff) || r != (v & 0xff)) return false;
			}
			return true;
		}
		byte[] p = (byte[]) pixels;
		for (byte b : p) {
			int i = b & 0xff;
			if (lut[0][i] != lut[1][i] || lut[0][i] != lut[2][i]) return false;
		}
		return true;
	}

	/** Whether every plane is grey in the sense of {@link #isGrey(int)}. */
	boolean isGreyEverywhere() {
		for (int i = 1; i <= planeCount(); i++)
			if (!isGrey(i)) return false;
		return true;
	}

	private void requireGrey(int index) {
		if (!isGrey(index)) throw notGrey(index);
	}

	private IncompatibleImageException notGrey(int index) {
		return new IncompatibleImageException("Plane " + index + " is in colour, so it cannot be read as one grey channel");
	}
}
