package io.github.imagetranslation.engine.infer;

import java.nio.file.Path;
import java.nio.file.Paths;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.model.DomainDescription;
import io.github.imagetranslation.engine.model.ModelDescription;
import io.github.imagetranslation.engine.model.TranslationModel;
import io.github.imagetranslation.engine.nn.GeneratorSpec;
import io.github.imagetranslation.engine.nn.NormType;
import io.github.imagetranslation.engine.nn.ParameterStore;
import io.github.imagetranslation.engine.nn.SameDiffLayers;
import io.github.imagetranslation.engine.norm.IntensityRange;
import io.github.imagetranslation.engine.norm.NormalizationRule;
import io.github.imagetranslation.engine.random.SplitMix64;
import io.github.imagetranslation.imagej.ImageFileReader;

/** Tiny models with seeded random weights, and the real test images, for translation tests. */
final class TestModels {

	/** 256x256 crop at (128, 128) of fluo-16bit/img2d.tif (see src/test/resources/NOTICE.md). */
	static final String FLUO16_256 = "/io/github/imagetranslation/imagej/fluo16-256.tif";
	/** 64x64 crop at (32, 304) of the same image. */
	static final String FLUO16_64 = "/io/github/imagetranslation/imagej/fluo16-crop.tif";

	private TestModels() {}

	/**
	 * A pix2pix model A2B for grey images with generator {@code name} of width {@code ngf} and random weights:
	 * inputs normalised by their percentiles, outputs brought to {@code targetRange}.
	 */
	static TranslationModel model(String name, int ngf, NormType norm, IntensityRange targetRange, long seed) {
		GeneratorSpec spec = GeneratorSpec.named(name, ngf, norm, 0, 1, 1);
		ParameterStore store = new ParameterStore(new SplitMix64(seed));
		SameDiff sd = SameDiff.create();
		SDVariable in = sd.placeHolder("in", DataType.FLOAT, -1, 1, -1, -1);
		spec.build(new SameDiffLayers(sd, store, norm, false), ModelDescription.generatorPrefix("A2B"), in, 1, 1);
		ModelDescription d = new ModelDescription();
		d.kind = ModelDescription.PIX2PIX;
		d.domains.put("A", new DomainDescription(1, "UINT16", NormalizationRule.percentile(), IntensityRange.of(0, 235, true)));
		d.domains.put("B", new DomainDescription(1, "UINT16", NormalizationRule.percentile(), targetRange));
		d.generators.put("A2B", spec);
		return new TranslationModel(d, store.arrays(), null);
	}

	static FloatImage image(String resource) {
		System.setProperty("java.awt.headless", "true");
		try {
			Path file = Paths.get(TestModels.class.getResource(resource).toURI());
			return ImageFileReader.readPlanes(file).get(0);
		} catch (Exception e) {
			throw new IllegalStateException("Cannot read test image " + resource, e);
		}
	}

	/** Largest and mean absolute difference over pixels at least {@code border} from the image's edges. */
	static double[] difference(FloatImage a, FloatImage b, int border) {
		double max = 0, sum = 0;
		long n = 0;
		for (int c = 0; c < a.channels(); c++)
			for (int y = border; y < a.height() - border; y++)
				for (int x = border; x < a.width() - border; x++) {
					double d = Math.abs(a.get(c, y, x) - b.get(c, y, x));
					max = Math.max(max, d);
					sum += d;
					n++;
				}
		return new double[] { max, sum / n };
	}
}
