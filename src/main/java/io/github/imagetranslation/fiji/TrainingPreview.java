package io.github.imagetranslation.fiji;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import ij.ImagePlus;
import io.github.imagetranslation.engine.data.DomainImages;
import io.github.imagetranslation.engine.data.PairedTrainingData;
import io.github.imagetranslation.engine.data.UnpairedTrainingData;
import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.Montage;
import io.github.imagetranslation.engine.image.SampleType;
import io.github.imagetranslation.engine.infer.Translator;
import io.github.imagetranslation.engine.model.TranslationModel;
import io.github.imagetranslation.engine.train.CycleGanTrainer;
import io.github.imagetranslation.engine.train.Pix2PixTrainer;
import io.github.imagetranslation.imagej.PlaneConverter;

/**
 * What the networks make of fixed training patches while they learn: for pix2pix one row "input | translated |
 * target", for CycleGAN the rows "A | A to B" and "B | B to A". The patches are the centre of the first
 * training image of each domain, as training sees them (normalised to [-1, 1]); the translators are built once
 * on the trainer's live weights, so each {@link #render} shows the current state. Render on the training
 * thread, between iterations.
 */
final class TrainingPreview {

	/** Largest side of a preview patch, to keep rendering cheap next to training. */
	static final int MAX_SIDE = 256;

	/** One row: a fixed input, the translator to apply, and what it should look like (null if unknown). */
	private static final class Row {
		final FloatImage input;
		final Translator translator;
		final FloatImage reference;

		Row(FloatImage input, Translator translator, FloatImage reference) {
			this.input = input;
			this.translator = translator;
			this.reference = reference;
		}
	}

	private final List<Row> rows;
	private final String layout;

	private TrainingPreview(List<Row> rows, String layout) {
		this.rows = rows;
		this.layout = layout;
	}

	/** Input, translation and target of the first training pair. */
	static TrainingPreview pix2pix(Pix2PixTrainer trainer, PairedTrainingData data) {
		Translator translator = new Translator(trainer.model(false), "A2B");
		int side = side(data.patchSize(), data.inputs());
		return new TrainingPreview(Collections.singletonList(
				new Row(centre(data.inputs().get(0), side), translator, centre(data.targets().get(0), side))), "input | translated | target");
	}

	/** The first image of each domain and its translation to the other. */
	static TrainingPreview cycleGan(CycleGanTrainer trainer, UnpairedTrainingData data) {
		TranslationModel model = trainer.model(false);
		FloatImage a = centre(data.domainA().get(0), side(data.patchSize(), data.domainA()));
		FloatImage b = centre(data.domainB().get(0), side(data.patchSize(), data.domainB()));
		return new TrainingPreview(Arrays.asList(new Row(a, new Translator(model, "A2B"), null),
				new Row(b, new Translator(model, "B2A"), null)), "A | A to B, B | B to A");
	}

	private static int side(int patchSize, DomainImages images) {
		FloatImage first = images.get(0);
		return Math.min(MAX_SIDE, Math.min(patchSize, Math.min(first.width(), first.height())));
	}

	private static FloatImage centre(FloatImage image, int side) {
		return image.crop((image.width() - side) / 2, (image.height() - side) / 2, side, side);
	}

	/** What the montage shows, e.g. "input | translated | target". */
	String layout() {
		return layout;
	}

	/** The rows translated by the networks as they are now, laid out side by side, in [-1, 1]. */
	FloatImage montage() {
		List<List<FloatImage>> grid = new ArrayList<>();
		int channels = 1;
		for (Row row : rows) {
			List<FloatImage> cells = new ArrayList<>();
			cells.add(row.input);
			cells.add(row.translator.translateNormalized(row.input));
			if (row.reference != null) cells.add(row.reference);
			for (FloatImage cell : cells)
				channels = Math.max(channels, cell.channels());
			grid.add(cells);
		}
		for (List<FloatImage> cells : grid)
			for (int i = 0; i < cells.size(); i++)
				cells.set(i, withChannels(cells.get(i), channels));
		return Montage.grid(grid, 4, -1);
	}

	/** The montage as an 8-bit (grey) or RGB image, [-1, 1] shown as 0-255. */
	ImagePlus render(String title) {
		FloatImage montage = montage();
		float[] data = montage.data();
		float[] bytes = new float[data.length];
		for (int i = 0; i < data.length; i++)
			bytes[i] = (data[i] + 1) * 127.5f;
		FloatImage scaled = new FloatImage(montage.channels(), montage.height(), montage.width(), bytes);
		return PlaneConverter.toImagePlus(title, Collections.singletonList(scaled), SampleType.UINT8);
	}

	/** A grey image repeated into {@code channels} channels, so grey and colour images can share a montage. */
	private static FloatImage withChannels(FloatImage image, int channels) {
		if (image.channels() == channels) return image;
		if (image.channels() != 1)
			throw new IllegalArgumentException("Cannot show a " + image.channels() + "-channel image next to " + channels + "-channel images");
		int n = image.planeSize();
		float[] data = new float[channels * n];
		for (int c = 0; c < channels; c++)
			System.arraycopy(image.data(), 0, data, c * n, n);
		return new FloatImage(channels, image.height(), image.width(), data);
	}
}
