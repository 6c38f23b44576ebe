package io.github.imagetranslation.imagej;

import ij.ImagePlus;

import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.SampleType;

/**
 * How an ImagePlus (a 2-D image, a stack or a hyperstack of C channels, Z slices and T frames) is cut into the
 * images a model with a given input channel count takes, and where each result goes back. Images are read one
 * at a time by index, in ImageJ's stack order, so a long stack is translated in bounded memory: nothing is
 * converted before {@link #read} asks for it.
 * <p>
 * The cut depends on the image and the model's channel count N:
 * <ul>
 * <li>colour images (RGB, or 8-bit with a colour palette) and N = 3: each stack plane is one 3-channel image
 * ({@link Grouping#COLOUR_PLANES});</li>
 * <li>grey images with C = N &gt; 1: each (z, t) position is one N-channel image made of the hyperstack's
 * channels ({@link Grouping#CHANNELS});</li>
 * <li>N = 1: each stack plane (c, z, t) is one 1-channel image ({@link Grouping#PLANES}); colour images qualify
 * only when their three channels are equal in every plane (grey images saved as RGB), which is checked over the
 * whole stack when the layout is made;</li>
 * <li>anything else is an {@link IncompatibleImageException} naming both channel counts.</li>
 * </ul>
 * {@link #assembler} collects the translated images into an ImagePlus of the same structure.
 */
public final class StackLayout {

	/** What one network image is made of. */
	public enum Grouping {
		/** One colour stack plane, as 3 channels. */
		COLOUR_PLANES,
		/** The C channel planes at one (z, t) position, as C channels. */
		CHANNELS,
		/** One stack plane (c, z, t), as 1 channel. */
		PLANES
	}

	private final ImagePlus image;
	private final PlaneReader reader;
	private final Grouping grouping;
	private final int inputChannels;
	private final boolean readAsGrey;
	private final int channels;
	private final int slices;
	private final int frames;

	private StackLayout(ImagePlus image, PlaneReader reader, Grouping grouping, int inputChannels, boolean readAsGrey) {
		this.image = image;
		this.reader = reader;
		this.grouping = grouping;
		this.inputChannels = inputChannels;
		this.readAsGrey = readAsGrey;
		this.channels = image.getNChannels();
		this.slices = image.getNSlices();
		this.frames = image.getNFrames();
	}

	/**
	 * The layout for a model taking {@code modelChannels} input channels.
	 *
	 * @throws IncompatibleImageException if the image cannot give images of that channel count, or has no pixels
	 */
	public static StackLayout forModel(ImagePlus image, int modelChannels) {
		if (modelChannels < 1) throw new IllegalArgumentException("A model takes at least 1 channel, not " + modelChannels);
		PlaneReader reader = new PlaneReader(image);
		String title = "\"" + image.getTitle() + "\"";
		if (image.getStackSize() != image.getNChannels() * image.getNSlices() * image.getNFrames())
			throw new IncompatibleImageException("Image " + title + " has " + image.getStackSize() + " planes, which do not match its "
					+ image.getNChannels() + " channels x " + image.getNSlices() + " slices x " + image.getNFrames()
					+ " frames; fix them in Image > Properties");
		if (reader.channelsPerPlane() == 3) {
			if (modelChannels == 3) return new StackLayout(image, reader, Grouping.COLOUR_PLANES, 3, false);
			if (modelChannels == 1 && reader.isGreyEverywhere()) return new StackLayout(image, reader, Grouping.PLANES, 1, true);
			if (modelChannels == 1)
				throw new IncompatibleImageException("The model expects 1 channel but image " + title
						+ " is in colour (3 channels); convert it to grey first (Image > Type > 8-bit)");
			throw new IncompatibleImageException("The model expects " + modelChannels + " channels but image " + title
					+ " is in colour (3 channels)");
		}
		int c = image.getNChannels();
		if (modelChannels == 1) return new StackLayout(image, reader, Grouping.PLANES, 1, false);
		if (modelChannels == c) return new StackLayout(image, reader, Grouping.CHANNELS, c, false);
		String shape = c + (c == 1 ? " channel" : " channels") + " (" + image.getNSlices() + " slices, " + image.getNFrames() + " frames)";
		String hint = c == 1 && image.getStackSize() % modelChannels == 0
				? "; if its planes are channels, set channels=" + modelChannels + " in Image > Properties"
				: "";
		throw new IncompatibleImageException("The model expects " + modelChannels + " channels but image " + title + " has " + shape + hint);
	}

	/** The image this layout reads. */
	public ImagePlus image() { return image; }

	/** What one network image is made of. */
	public Grouping grouping() { return grouping; }

	/** Number of network images. */
	public int size() {
		return grouping == Grouping.CHANNELS ? slices * frames : image.getStackSize();
	}

	/** Channels of each network image. */
	public int inputChannels() { return inputChannels; }

	public int width() { return reader.width(); }

	public int height() { return reader.height(); }

	/** The sample type of the image, the default for results. */
	public SampleType sampleType() { return reader.sampleType(); }

	/** Network image {@code index} (0-based, in stack order), converted now. */
	public FloatImage read(int index) {
		checkIndex(index);
		switch (grouping) {
			case CHANNELS: {
				int n = width() * height();
				float[] data = new float[channels * n];
				int first = stackIndex(index, 0);
				for (int c = 0; c < channels; c++)
					reader.readInto(first + c, data, c * n, false);
				return new FloatImage(channels, height(), width(), data);
			}
			default:
				return readAsGrey ? reader.readGrey(index + 1) : reader.read(index + 1);
		}
	}

	/** Channel (1-based) of network image {@code index}; 0 for {@link Grouping#CHANNELS}, which takes them all. */
	public int channel(int index) {
		checkIndex(index);
		return grouping == Grouping.CHANNELS ? 0 : index % channels + 1;
	}

	/** Slice (z, 1-based) of network image {@code index}. */
	public int slice(int index) {
		return position(index) % slices + 1;
	}

	/** Frame (t, 1-based) of network image {@code index}. */
	public int frame(int index) {
		return position(index) / slices + 1;
	}

	/** Where network image {@code index} is, for progress and error messages: "image 3 of 12 (c=1, z=3, t=1)". */
	public String describe(int index) {
		String where = (grouping == Grouping.CHANNELS ? "" : "c=" + channel(index) + ", ") + "z=" + slice(index) + ", t=" + frame(index);
		return "image " + (index + 1) + " of " + size() + " (" + where + ")";
	}

	/**
	 * A collector for the translated images, which builds an ImagePlus with this image's slices, frames,
	 * calibration and slice labels.
	 *
	 * @param title          the result's title
	 * @param outputChannels channels of each translated image
	 * @param outputType     sample type of the result, e.g. {@link #sampleType()} or FLOAT32
	 */
	public StackAssembler assembler(String title, int outputChannels, SampleType outputType) {
		return new StackAssembler(this, title, outputChannels, outputType);
	}

	/** Number of source channels in the image (the hyperstack's C; 1 for a plain stack). */
	int sourceChannels() { return channels; }

	int sourceSlices() { return slices; }

	int sourceFrames() { return frames; }

	/** Whether the source stores colour planes (RGB, or 8-bit with a colour palette). */
	boolean sourceIsColour() { return reader.channelsPerPlane() == 3; }

	/** Network images per (z, t) position. */
	int imagesPerPosition() {
		return grouping == Grouping.CHANNELS ? 1 : channels;
	}

	/** The (z, t) position of network image {@code index}, as {@code (t - 1) * Z + (z - 1)}. */
	int position(int index) {
		checkIndex(index);
		return index / imagesPerPosition();
	}

	/** 1-based stack index of source channel {@code c} (0-based) at image {@code index}'s position. */
	int stackIndex(int index, int c) {
		return position(index) * channels + c + 1;
	}

	private void checkIndex(int index) {
		if (index < 0 || index >= size())
			throw new IndexOutOfBoundsException("Image index " + index + " is outside 0-" + (size() - 1));
	}
}
