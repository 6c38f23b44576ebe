package io.github.imagetranslation.engine.infer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.Montage;
import io.github.imagetranslation.engine.model.TranslationModel;

/**
 * A montage of a model's translations of a few fixed samples, to watch training: for pix2pix one row per
 * sample of input | translation | target; for CycleGAN rows of A | A->B | A->B->A and B | B->A | B->A->B.
 * Samples and results are shown in normalised units mapped to 0-255, grey images as RGB when other columns
 * are in colour.
 */
public final class SamplePreview {

	private final List<FloatImage> inputs;
	private final List<FloatImage> targets;
	private final boolean cycle;

	/**
	 * @param inputs  normalised samples of domain A
	 * @param targets normalised aligned targets (pix2pix) or samples of domain B (CycleGAN)
	 * @param cycle   whether to show both directions and the cycle reconstructions
	 */
	public SamplePreview(List<FloatImage> inputs, List<FloatImage> targets, boolean cycle) {
		this.inputs = new ArrayList<>(inputs);
		this.targets = new ArrayList<>(targets);
		this.cycle = cycle;
	}

	/** The montage for {@code model} as it is now (8-bit range values). */
	public FloatImage render(TranslationModel model) {
		List<List<FloatImage>> rows = new ArrayList<>();
		Translator ab = new Translator(model, "A2B");
		if (!cycle) {
			for (int i = 0; i < inputs.size(); i++)
				rows.add(Arrays.asList(inputs.get(i), ab.translateNormalized(inputs.get(i)), targets.get(i)));
		} else {
			Translator ba = new Translator(model, "B2A");
			for (FloatImage a : inputs) {
				FloatImage fake = ab.translateNormalized(a);
				rows.add(Arrays.asList(a, fake, ba.translateNormalized(fake)));
			}
			for (FloatImage b : targets) {
				FloatImage fake = ba.translateNormalized(b);
				rows.add(Arrays.asList(b, fake, ab.translateNormalized(fake)));
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

	/** [-1, 1] to [0, 255], with a grey image repeated into {@code channels} channels. */
	private static FloatImage toDisplay(FloatImage f, int channels) {
		int plane = f.planeSize();
		float[] out = new float[channels * plane];
		for (int c = 0; c < channels; c++) {
			int from = f.channels() == channels ? c : 0;
			for (int i = 0; i < plane; i++)
				out[c * plane + i] = Math.max(0, Math.min(255, Math.round((f.data()[from * plane + i] + 1) * 127.5f)));
		}
		return new FloatImage(channels, f.height(), f.width(), out);
	}

	/** Up to {@code count} centre crops of side {@code size} (or whole images if smaller) from {@code images}. */
	public static List<FloatImage> centreCrops(List<FloatImage> images, int count, int size) {
		List<FloatImage> out = new ArrayList<>();
		for (int i = 0; i < images.size() && out.size() < count; i++) {
			FloatImage f = images.get(i);
			int w = Math.min(size, f.width()), h = Math.min(size, f.height());
			out.add(f.crop((f.width() - w) / 2, (f.height() - h) / 2, w, h));
		}
		return out;
	}
}
