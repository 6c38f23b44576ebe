package io.github.imagetranslation.engine.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.github.imagetranslation.bench.Measurement;
import io.github.imagetranslation.bench.OpProfile;
import io.github.imagetranslation.engine.data.DomainImages;
import io.github.imagetranslation.engine.data.ImagePair;
import io.github.imagetranslation.engine.data.PairedTrainingData;
import io.github.imagetranslation.engine.data.UnpairedTrainingData;
import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.SampleType;
import io.github.imagetranslation.engine.norm.NormalizationRule;
import io.github.imagetranslation.engine.random.SplitMix64;

/**
 * One training row of the speed table: iterations at the reference implementation's benchmark settings
 * (ngf 64, batch 1, default losses) on random images.
 *
 * Usage: TrainingBenchmark ROW [warmup] [runs] [--profile]; ROW is cyclegan-r6-128, cyclegan-r9-256 or
 * pix2pix-u128-128 (kind, generator, patch size).
 */
public final class TrainingBenchmark {

	public static void main(String[] args) throws Exception {
		String row = args[0];
		int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 3;
		int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
		String[] parts = row.split("-");
		int size = Integer.parseInt(parts[2]);
		String generator = generatorName(parts[1]);
		GanTrainer trainer;
		if (parts[0].equals("cyclegan")) {
			CycleGanOptions o = new CycleGanOptions();
			o.generator = generator;
			o.patchSize = size;
			trainer = new CycleGanTrainer(o, unpaired(size));
		} else {
			Pix2PixOptions o = new Pix2PixOptions();
			o.generator = generator;
			o.patchSize = size;
			trainer = new Pix2PixTrainer(o, paired(size));
		}
		long built = Measurement.rssMb();
		OpProfile profile = new OpProfile();
		trainer.trainingGraph().graph().addListeners(profile);
		trainer.iterate(2e-4);
		System.out.printf("%-18s resident with the networks built %d MB, after the first iteration %d MB%n", row, built, Measurement.rssMb());
		double flops = profile.flops;
		boolean profiling = Arrays.asList(args).contains("--profile");
		if (!profiling) trainer.trainingGraph().graph().getListeners().remove(profile);
		profile.reset();
		Measurement.run(row, () -> trainer.step(2e-4), warmup, runs, flops);
		if (profiling) System.out.print("Time by op type over warm-up and timed runs:\n" + profile.report());
	}

	static String generatorName(String shortName) {
		if (shortName.equals("r6")) return "resnet_6blocks";
		if (shortName.equals("r9")) return "resnet_9blocks";
		return "unet_" + shortName.substring(1);
	}

	private static PairedTrainingData paired(int size) {
		SplitMix64 r = new SplitMix64(1);
		List<ImagePair> pairs = new ArrayList<>();
		for (int i = 0; i < 4; i++)
			pairs.add(new ImagePair("" + i, Measurement.randomImage(3, size, r), Measurement.randomImage(3, size, r)));
		return new PairedTrainingData(pairs, SampleType.UINT8, SampleType.UINT8, NormalizationRule.percentile(),
				NormalizationRule.percentile(), size);
	}

	private static UnpairedTrainingData unpaired(int size) {
		SplitMix64 r = new SplitMix64(2);
		List<FloatImage> a = new ArrayList<>(), b = new ArrayList<>();
		List<String> names = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			a.add(Measurement.randomImage(3, size, r));
			b.add(Measurement.randomImage(3, size, r));
			names.add("" + i);
		}
		return new UnpairedTrainingData(new DomainImages("A", a, names, SampleType.UINT8, NormalizationRule.percentile(), size),
				new DomainImages("B", b, names, SampleType.UINT8, NormalizationRule.percentile(), size), size);
	}
}
