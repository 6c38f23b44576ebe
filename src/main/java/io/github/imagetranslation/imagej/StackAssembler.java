package io.github.imagetranslation.imagej;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ImageProcessor;

import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.SampleType;

/**
 * Collects translated images, one per index of a {@link StackLayout}, into an ImagePlus shaped like the source:
 * the same slices and frames, calibration (pixel size, unit, frame interval; no value calibration), and slice
 * labels. Each result is converted to the output sample type as it arrives, so only the output stack is kept.
 * <p>
 * With M channels per translated image, the output has M channels per source image: M for channel groups,
 * M x C when each of C source channels was translated alone. Three UINT8 channels from a colour source become
 * RGB. Each output plane takes the label of the source plane it came from (for channel groups of another
 * channel count, the group's first plane). {@link #put} may be called from several threads.
 */
public final class StackAssembler {

	private final StackLayout layout;
	private final String title;
	private final int outputChannels;
	private final SampleType outputType;
	private final boolean rgb;
	/** Channels of the output hyperstack. */
	private final int channels;
	private final ImageStack stack;
	private final boolean[] done;
	private int count;

	StackAssembler(StackLayout layout, String title, int outputChannels, SampleType outputType) {
		if (outputChannels < 1) throw new IllegalArgumentException("Results need at least 1 channel, not " + outputChannels);
		if (outputType == null) throw new IllegalArgumentException("No output sample type given");
		this.layout = layout;
		this.title = title;
		this.outputChannels = outputChannels;
		this.outputType = outputType;
		this.rgb = outputChannels == 3 && outputType == SampleType.UINT8 && layout.sourceIsColour();
		int perPosition = layout.imagesPerPosition();
		this.channels = rgb ? perPosition : perPosition * outputChannels;
		int planes = Math.multiplyExact(channels, layout.sourceSlices() * layout.sourceFrames());
		this.stack = new ImageStack(layout.width(), layout.height(), planes);
		this.done = new boolean[layout.size()];
	}

	/** Number of images the result needs. */
	public int size() { return done.length; }

	/** Whether every image has been put. */
	public synchronized boolean isComplete() { return count == done.length; }

	/**
	 * Stores the translated image for layout index {@code index}.
	 *
	 * @throws IncompatibleImageException if its channel count or size is not the expected one
	 * @throws IllegalStateException if this index was already stored
	 */
	public void put(int index, FloatImage translated) {
		if (index < 0 || index >= done.length)
			throw new IndexOutOfBoundsException("Image index " + index + " is outside 0-" + (done.length - 1));
		if (translated.channels() != outputChannels)
			throw new IncompatibleImageException("Translated " + layout.describe(index) + " has " + translated.channels()
					+ " channels but " + outputChannels + " were expected");
		if (translated.width() != layout.width() || translated.height() != layout.height())
			throw new IncompatibleImageException("Translated " + layout.describe(index) + " is " + translated.width() + "x"
					+ translated.height() + " but the source is " + layout.width() + "x" + layout.height());
		int position = layout.position(index);
		int sourceChannel = layout.imagesPerPosition() == 1 ? 0 : index % layout.imagesPerPosition();
		Object[] pixels = new Object[rgb ? 1 : outputChannels];
		if (rgb) pixels[0] = PlaneConverter.toColorProcessor(translated).getPixels();
		else for (int m = 0; m < outputChannels; m++) pixels[m] = PlaneConverter.toProcessor(translated, m, outputType).getPixels();
		synchronized (this) {
			if (done[index]) throw new IllegalStateException("Translated " + layout.describe(index) + " was already stored");
			ImageStack source = layout.image().getStack();
			for (int m = 0; m < pixels.length; m++) {
				int outChannel = rgb ? sourceChannel : sourceChannel * outputChannels + m;
				int slice = position * channels + outChannel + 1;
				stack.setPixels(pixels[m], slice);
				stack.setSliceLabel(source.getSliceLabel(layout.stackIndex(index, labelChannel(sourceChannel, outChannel))), slice);
			}
			done[index] = true;
			count++;
		}
	}

	/** The source channel whose label an output channel takes. */
	private int labelChannel(int sourceChannel, int outChannel) {
		if (layout.grouping() != StackLayout.Grouping.CHANNELS) return sourceChannel;
		return outputChannels == layout.sourceChannels() ? outChannel : 0;
	}

	/**
	 * The assembled image.
	 *
	 * @throws IllegalStateException if some images were not put
	 */
	public synchronized ImagePlus toImagePlus() {
		if (count < done.length) {
			int missing = 0;
			while (done[missing]) missing++;
			throw new IllegalStateException("Only " + count + " of " + done.length + " translated images were stored; "
					+ layout.describe(missing) + " is missing");
		}
		ImagePlus result = new ImagePlus(title, stack);
		result.setDimensions(channels, layout.sourceSlices(), layout.sourceFrames());
		if (channels > 1) result = PlaneConverter.asComposite(result);
		else {
			result.setOpenAsHyperStack(layout.image().isHyperStack());
			ImageProcessor ip = result.getProcessor();
			if (outputType != SampleType.UINT8) ip.resetMinAndMax();
		}
		Calibration calibration = layout.image().getCalibration().copy();
		calibration.disableDensityCalibration();
		result.setCalibration(calibration);
		return result;
	}
}
