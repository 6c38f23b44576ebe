package io.github.imagetranslation.engine.infer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import io.github.imagetranslation.bench.Measurement;
import io.github.imagetranslation.bench.OpProfile;
import io.github.imagetranslation.engine.data.ImagePair;
import io.github.imagetranslation.engine.data.PairedTrainingData;
import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.SampleType;
import io.github.imagetranslation.engine.model.ModelDescription;
import io.github.imagetranslation.engine.model.TranslationModel;
import io.github.imagetranslation.engine.nn.GeneratorSpec;
import io.github.imagetranslation.engine.nn.ParameterStore;
import io.github.imagetranslation.engine.nn.SameDiffLayers;
import io.github.imagetranslation.engine.norm.NormalizationRule;
import io.github.imagetranslation.engine.random.SplitMix64;
import io.github.imagetranslation.engine.train.Pix2PixOptions;
import io.github.imagetranslation.engine.train.Pix2PixTrainer;

/**
 * One inference row of the speed table: a generator (ngf 64, random weights) translating one RGB image on the
 * production path ({@link TiledTranslator}, which translates an image this small whole); the FLOPs are counted on
 * the same network run by {@link Translator}.
 *
 * Usage: InferenceBenchmark ROW [warmup] [runs]; ROW is infer-r6-128, infer-r9-256 or infer-u128-128.
 */
public final class InferenceBenchmark {

	public static void main(String[] args) throws Exception {
		String row = args[0];
		int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 3;
		int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
		String[] parts = row.split("-");
		int size = Integer.parseInt(parts[2]);
		Pix2PixOptions o = new Pix2PixOptions();
		o.generator = parts[1].equals("r6") ? "resnet_6blocks" : parts[1].equals("r9") ? "resnet_9blocks" : "unet_" + parts[1].substring(1);
		o.norm = o.generator.startsWith("unet") ? "batch" : "instance";
		o.patchSize = size;
		SplitMix64 r = new SplitMix64(1);
		List<ImagePair> pairs = new ArrayList<>();
		pairs.add(new ImagePair("0", Measurement.randomImage(3, size, r), Measurement.randomImage(3, size, r)));
		PairedTrainingData data = new PairedTrainingData(pairs, SampleType.UINT8, SampleType.UINT8,
				NormalizationRule.percentile(), NormalizationRule.percentile(), size);
		TranslationModel model = new Pix2PixTrainer(o, data).model(false);
		FloatImage image = Measurement.randomImage(3, size, r);
		OpProfile profile = new OpProfile();
		countFlops(model, size, profile);
		TiledTranslator translator = new TiledTranslator(model, "A2B");
		if (translator.tileCount(size, size) != 1) throw new IllegalStateException("expected one tile");
		Measurement.run(row, () -> translator.translate(image), warmup, runs, profile.flops);
	}

	/** Runs the generator once as a SameDiff graph on the same weights, counting its FLOPs in {@code profile}. */
	private static void countFlops(TranslationModel model, int size, OpProfile profile) {
		SameDiff sd = SameDiff.create();
		GeneratorSpec spec = model.generator("A2B");
		SDVariable in = sd.placeHolder("in", DataType.FLOAT, 1, 3, size, size);
		SDVariable out = spec.build(new SameDiffLayers(sd, ParameterStore.of(model.generatorWeights("A2B")), spec.norm(), false),
				ModelDescription.generatorPrefix("A2B"), in, -1, -1);
		sd.setListeners(profile);
		sd.output(Collections.singletonMap("in", Nd4j.rand(DataType.FLOAT, 1, 3, size, size)), out.name());
	}
}
