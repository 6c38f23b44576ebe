package io.github.imagetranslation.imagej;

import java.util.concurrent.CancellationException;

import ij.ImagePlus;
import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.infer.TileProgress;
import io.github.imagetranslation.engine.infer.TiledTranslator;

/**
 * Translates an ImagePlus (image, stack or hyperstack) with a tiled translator: every plane, channel group,
 * slice and frame, one network image at a time (each in tiles when it is larger than the memory budget
 * allows), into a new ImagePlus of the same dimensions, calibration and slice labels. The input is never
 * modified.
 */
public final class ImageTranslation {

	/** Reports progress over the images of a stack and may cancel. */
	public interface Progress {
		Progress NONE = new Progress() {};

		/** Called after each translated image ({@code done} of {@code total}). */
		default void imageDone(int done, int total) {}

		/**
		 * Called after each batch of tiles of image {@code image} (1-based) of {@code images}, for images cut into
		 * more than one tile ({@code done} of {@code total} tiles, the passes that measure statistics included).
		 */
		default void tilesDone(int image, int images, int done, int total) {}

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
	public static ImagePlus translate(ImagePlus image, TiledTranslator translator, OutputType type, String title,
			Progress progress) {
		StackLayout layout = StackLayout.forModel(image, translator.inputChannels());
		StackAssembler result = layout.assembler(title, translator.outputChannels(), type.resolve(layout.sampleType()));
		int images = layout.size();
		for (int i = 0; i < images; i++) {
			if (progress.isCancelled()) throw new CancelledException();
			int index = i + 1;
			FloatImage translated;
			try {
				translated = translator.translate(layout.read(i), new TileProgress() {
					@Override
					public void tilesDone(int done, int total) {
						if (total > 1) progress.tilesDone(index, images, done, total);
					}

					@Override
					public boolean isCancelled() {
						return progress.isCancelled();
					}
				});
			} catch (CancellationException e) {
				throw new CancelledException();
			}
			result.put(i, translated);
			progress.imageDone(index, images);
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
