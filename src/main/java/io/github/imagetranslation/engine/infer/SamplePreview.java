package io.github.imagetranslation.engine.infer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.github.imagetranslation.engine.data.DomainImages;
import io.github.imagetranslation.engine.data.PairedTrainingData;
import io.github.imagetranslation.engine.data.UnpairedTrainingData;
import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.Montage;
import io.github.imagetranslation.engine.model.TranslationModel;

/**
 * What a model makes of a few fixed training patches, to watch it learn: for pix2pix one row per sample of
 * input | translated | target; for CycleGAN rows of A | A to B | back to A and B | B to A | back to B. The
 * patches are centre crops of the first training images, normalised as training sees them. The translators
 * are built once on the model's weights, which for a trainer's model are its live arrays, so every
 * {@link #render} shows the current state; render on the training thread, between iterations.
 */
public final class SamplePreview {

	/** Largest side of a preview patch, to keep rendering cheap next to training. */
	public static final int MAX_SIDE = 256;

	private final List<FloatImage> inputs;
	private final List<FloatImage> targets;
	/** The model whose weights training changes in place; translators are made anew for each rendering. */
	private final TranslationModel model;
	private final boolean cycle;
	private final String layout;

	private SamplePreview(List<FloatImage> inputs, List<FloatImage> targets, TranslationModel model, boolean cycle, String layout) {
		this.inputs = inputs;
		this.targets = targets;
		this.model = model;
		this.cycle = cycle;
		this.layout = layout;
	}

	/** Up to {@code count} aligned samples of a pix2pix model's training pairs. */
	public static SamplePreview pix2pix(TranslationModel model, PairedTrainingData data, int count) {
		return new SamplePreview(centreCrops(data.inputs(), data.patchSize(), count), centreCrops(data.targets(), data.patchSize(), count),
				model, false, "input | translated | target");
	}

	/** Up to {@code count} samples of each domain of a CycleGAN model's training images. */
	public static SamplePreview cycleGan(TranslationModel model, UnpairedTrainingData data, int count) {
		return new SamplePreview(centreCrops(data.domainA(), data.patchSize(), count),
				centreCrops(data.domainB(), data.patchSize(), count), model, true,
				"A | A to B | back to A, B | B to A | back to B");
	}

	/** What the columns show, e.g. "input | translated | target". */
	public String layout() {
		return layout;
	}

	/** The montage of the model as it is now, with [-1, 1] shown as 0-255 (grey samples as RGB next to colour ones). */
	public FloatImage render() {
		List<List<FloatImage>> rows = new ArrayList<>();
		Translator forward = new Translator(model, "A2B");
		if (!cycle) {
			for (int i = 0; i < inputs.size(); i++)
				rows.add(Arrays.asList(inputs.get(i), forward.translateNormalized(inputs.get(i)), targets.get(i)));
		} else {
			Translator backward = new Translator(model, "B2A");
			for (FloatImage a : inputs) {
				FloatImage fake = forward.translateNormalized(a);
				rows.add(Arrays.asList(a, fake, backward.translateNormalized(fake)));
			}
			for (FloatImage b : targets) {
				FloatImage fake = backward.translateNormalized(b);
				rows.add(Arrays.asList(b, fake, forward.translateNormalized(fake)));
			}
		}
		int channels = 1;
		for (List<FloatImage> row : rows)
			for (FloatImage f : row)
				channels = Math.max(channels, f.channels());
		List<List<FloatImage>> display = new ArrayList<>();
		for (List<FloatImage> row : rows) {
			List<FloatImage> r = new ArrayList<>();
			for (FloatImage f : row)
				r.add(toDisplay(f, channels));
			display.add(r);
		}
		return Montage.grid(display, 4, 255);
	}

	/** [-1, 1] to [0, 255], a grey image repeated into {@code channels} channels. */
	private static FloatImage toDisplay(FloatImage f, int channels) {
		float[] out = new float[f.data().length];
		for (int i = 0; i < out.length; i++)
			out[i] = Math.max(0, Math.min(255, Math.round((f.data()[i] + 1) * 127.5f)));
		return new FloatImage(f.channels(), f.height(), f.width(), out).repeatChannels(channels);
	}

	private static List<FloatImage> centreCrops(DomainImages images, int patchSize, int count) {
		List<FloatImage> out = new ArrayList<>();
		for (int i = 0; i < images.size() && out.size() < count; i++) {
			FloatImage f = images.get(i);
			int side = Math.min(MAX_SIDE, Math.min(patchSize, Math.min(f.width(), f.height())));
			out.add(f.crop((f.width() - side) / 2, (f.height() - side) / 2, side, side));
		}
		return out;
	}
}
