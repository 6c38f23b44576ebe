package io.github.imagetranslation.imagej;

import ij.ImagePlus;
import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.infer.Translator;

/**
 * Translates an ImagePlus (image, stack or hyperstack) with a translator: every plane, channel group, slice
 * and frame, one network image at a time, into a new ImagePlus of the same dimensions, calibration and slice
 * labels. The input is never modified.
 */
public final class ImageTranslation {

	/** Reports progress over the images of a stack and may cancel. */
	public interface Progress {
		Progress NONE = new Progress() {};

		/** Called after each translated image ({@code done} of {@code total}). */
		default void imageDone(int done, int total) {}

		default boolean isCancelled() { return false; }
	}

	/** Thrown when translation was cancelled; nothing partial is returned. */
	public static final class CancelledException extends RuntimeException {
		private static final long serialVersionUID = 1L;

		public CancelledException() {
			super("Translation was cancelled");
		}
	}

	private ImageTranslation() {}

	/**
	 * The translated image, titled {@code title}, with bit depth {@code type} relative to the input's.
	 *
	 * @throws IncompatibleImageException if the image's channels do not suit the model
	 * @throws CancelledException if {@code progress} cancels
	 */
	public static ImagePlus translate(ImagePlus image, Translator translator, OutputType type, String title,
			Progress progress) {
		StackLayout layout = StackLayout.forModel(image, translator.inputChannels());
		StackAssembler result = layout.assembler(title, translator.outputChannels(), type.resolve(layout.sampleType()));
		for (int i = 0; i < layout.size(); i++) {
			if (progress.isCancelled()) throw new CancelledException();
			FloatImage translated = translator.translate(layout.read(i));
			result.put(i, translated);
			progress.imageDone(i + 1, layout.size());
		}
		return result.toImagePlus();
	}

	/** A title for the translation of {@code imageTitle} by model {@code modelName}: "cells-nuclei2cells". */
	public static String title(String imageTitle, String modelName) {
		return stripExtension(imageTitle) + "-" + stripExtension(modelName);
	}

	static String stripExtension(String name) {
		int dot = name.lastIndexOf('.');
		return dot > 0 ? name.substring(0, dot) : name;
	}
}
