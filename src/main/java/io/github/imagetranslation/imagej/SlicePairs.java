package io.github.imagetranslation.imagej;

import java.util.List;

import ij.ImagePlus;

import io.github.imagetranslation.engine.image.FloatImage;

/**
 * Paired training examples taken slice by slice from two stacks: slice i of the input pairs with slice i of the
 * target. Building it checks that both have as many slices and that paired slices have the same width and
 * height; the slices of ImagePlus stacks are converted only when asked for, so long stacks are not held twice.
 */
public final class SlicePairs {

	/** One side of the pairs: a stack read lazily, or a list already in memory. */
	private interface Side {
		int size();
		FloatImage get(int index);
	}

	private final Side inputs;
	private final Side targets;

	private SlicePairs(Side inputs, Side targets) {
		this.inputs = inputs;
		this.targets = targets;
	}

	/**
	 * Pairs the stack planes of two images by index.
	 *
	 * @param collapseGreyRgb whether a colour stack whose three channels are equal everywhere is read as grey
	 * @throws IncompatibleImageException if the plane counts or the sizes differ
	 */
	public static SlicePairs of(ImagePlus input, ImagePlus target, boolean collapseGreyRgb) {
		PlaneReader in = new PlaneReader(input);
		PlaneReader out = new PlaneReader(target);
		String inName = "input \"" + input.getTitle() + "\"";
		String outName = "target \"" + target.getTitle() + "\"";
		requireSameCount(inName, in.planeCount(), outName, out.planeCount());
		requireSameSize(1, inName, in.width(), in.height(), outName, out.width(), out.height());
		return new SlicePairs(side(in, collapseGreyRgb), side(out, collapseGreyRgb));
	}

	/**
	 * Pairs two lists of images, e.g. the planes of two files, by index.
	 *
	 * @param inputName  names the input in messages, e.g. its file name
	 * @param targetName names the target in messages
	 * @throws IncompatibleImageException if the counts differ or a pair's sizes differ
	 */
	public static SlicePairs of(List<FloatImage> inputs, List<FloatImage> targets, String inputName, String targetName) {
		String inName = "input \"" + inputName + "\"";
		String outName = "target \"" + targetName + "\"";
		requireSameCount(inName, inputs.size(), outName, targets.size());
		for (int i = 0; i < inputs.size(); i++) {
			FloatImage a = inputs.get(i), b = targets.get(i);
			requireSameSize(i + 1, inName, a.width(), a.height(), outName, b.width(), b.height());
		}
		return new SlicePairs(listSide(inputs), listSide(targets));
	}

	/** Number of pairs. */
	public int size() { return inputs.size(); }

	/** The input of pair {@code index} (0-based). */
	public FloatImage input(int index) {
		checkIndex(index);
		return inputs.get(index);
	}

	/** The target of pair {@code index} (0-based). */
	public FloatImage target(int index) {
		checkIndex(index);
		return targets.get(index);
	}

	private void checkIndex(int index) {
		if (index < 0 || index >= size())
			throw new IndexOutOfBoundsException("Pair " + index + " is outside 0-" + (size() - 1));
	}

	private static void requireSameCount(String inName, int inCount, String outName, int outCount) {
		if (inCount == 0) throw new IncompatibleImageException("The " + inName + " has no slices");
		if (inCount != outCount)
			throw new IncompatibleImageException("The " + inName + " has " + inCount + " slices but the " + outName + " has "
					+ outCount + "; slices are paired by index");
	}

	private static void requireSameSize(int slice, String inName, int inWidth, int inHeight, String outName, int outWidth, int outHeight) {
		if (inWidth != outWidth || inHeight != outHeight)
			throw new IncompatibleImageException("Slice " + slice + " of the " + inName + " is " + inWidth + "x" + inHeight
					+ " but slice " + slice + " of the " + outName + " is " + outWidth + "x" + outHeight
					+ "; paired slices must have the same width and height");
	}

	private static Side side(PlaneReader reader, boolean collapseGreyRgb) {
		boolean grey = collapseGreyRgb && reader.channelsPerPlane() == 3 && reader.isGreyEverywhere();
		return new Side() {
			@Override
			public int size() { return reader.planeCount(); }

			@Override
			public FloatImage get(int index) {
				return grey ? reader.readGrey(index + 1) : reader.read(index + 1);
			}
		};
	}

	private static Side listSide(List<FloatImage> images) {
		return new Side() {
			@Override
			public int size() { return images.size(); }

			@Override
			public FloatImage get(int index) { return images.get(index); }
		};
	}
}
