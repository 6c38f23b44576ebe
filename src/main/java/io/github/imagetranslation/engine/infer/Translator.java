package io.github.imagetranslation.engine.infer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.model.DomainDescription;
import io.github.imagetranslation.engine.model.ModelDescription;
import io.github.imagetranslation.engine.model.TranslationModel;
import io.github.imagetranslation.engine.nn.EagerGenerator;
import io.github.imagetranslation.engine.nn.GeneratorSpec;
import io.github.imagetranslation.engine.norm.IntensityRange;

/**
 * Translates images of any size with one generator of a model: normalises the image by its domain's rule,
 * pads it by reflection to the size the network needs, runs the network, crops back and brings the result
 * to the target domain's typical intensities. The network runs layer by layer ({@link EagerGenerator}), with
 * nothing built per image or slice.
 * {@link #translateNormalized} is the seam for tiled translation of images too large for memory.
 */
public final class Translator {

	private final GeneratorSpec spec;
	private final DomainDescription source;
	private final DomainDescription target;
	private final EagerGenerator generator;

	/** A translator for {@code direction} ("A2B"; "B2A" for CycleGAN) of {@code model}. */
	public Translator(TranslationModel model, String direction) {
		spec = model.generator(direction);
		source = model.domain(ModelDescription.sourceDomain(direction));
		target = model.domain(ModelDescription.targetDomain(direction));
		generator = new EagerGenerator(spec, model.generatorWeights(direction), ModelDescription.generatorPrefix(direction));
	}

	/** Channels an input image must have. */
	public int inputChannels() { return spec.inChannels(); }

	/** Channels of a translated image. */
	public int outputChannels() { return spec.outChannels(); }

	/** Height and width given to the network are padded to a multiple of this. */
	public int sizeMultiple() { return spec.sizeMultiple(); }

	/** The range {@code image} is normalised with: its own statistics, or the model's fixed values. */
	public IntensityRange inputRange(FloatImage image) {
		return source.normalization.measure(image);
	}

	/** Translates {@code image} (intensities of the source domain) to intensities of the target domain. */
	public FloatImage translate(FloatImage image) {
		checkChannels(image);
		FloatImage normalized = inputRange(image).normalize(image);
		return target.typicalRange.denormalize(translateNormalized(normalized));
	}

	/** Translates an image already normalised to [-1, 1]; the result is in [-1, 1]. */
	public FloatImage translateNormalized(FloatImage normalized) {
		checkChannels(normalized);
		int m = spec.sizeMultiple();
		int h = normalized.height(), w = normalized.width();
		int ph = ceilTo(h, m), pw = ceilTo(w, m);
		int top = (ph - h) / 2, left = (pw - w) / 2;
		FloatImage padded = ReflectionPadding.pad(normalized, top, left, ph, pw);
		INDArray in = Nd4j.create(padded.data(), new long[] { 1, padded.channels(), ph, pw }, 'c');
		float[] values;
		try {
			INDArray out = generator.run(new INDArray[] { in }, null)[0];
			values = out.reshape(out.length()).toFloatVector();
			out.close();
		} finally {
			in.close();
		}
		FloatImage result = new FloatImage(spec.outChannels(), ph, pw, values);
		return ph == h && pw == w ? result : result.crop(left, top, w, h);
	}

	private void checkChannels(FloatImage image) {
		if (image.channels() != spec.inChannels())
			throw new IllegalArgumentException("The model expects " + describeChannels(spec.inChannels()) + " but the image has "
					+ describeChannels(image.channels()));
	}

	static String describeChannels(int n) {
		return n == 1 ? "1 channel (grey)" : n == 3 ? "3 channels (e.g. RGB)" : n + " channels";
	}

	private static int ceilTo(int v, int m) {
		return (v + m - 1) / m * m;
	}
}
