package io.github.imagetranslation.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.github.imagetranslation.engine.data.ImagePair;
import io.github.imagetranslation.engine.data.PairedTrainingData;
import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.SampleType;
import io.github.imagetranslation.engine.infer.Translator;
import io.github.imagetranslation.engine.model.ModelFile;
import io.github.imagetranslation.engine.model.TranslationModel;
import io.github.imagetranslation.engine.norm.NormalizationRule;
import io.github.imagetranslation.engine.random.SplitMix64;

/** pix2pix training at tiny sizes: it learns, it repeats from its seed, and a resumed run continues exactly. */
class Pix2PixTrainerTest {

	/** Smooth random 16-bit-range images and their inverted, brightened targets: a mapping a U-Net learns fast. */
	static List<ImagePair> pairs(int count, int size, long seed) {
		SplitMix64 r = new SplitMix64(seed);
		List<ImagePair> out = new ArrayList<>();
		for (int n = 0; n < count; n++) {
			float[] in = new float[size * size], tg = new float[size * size];
			double fx = 0.05 + 0.2 * r.nextDouble(), fy = 0.05 + 0.2 * r.nextDouble(), phase = 6 * r.nextDouble();
			for (int y = 0; y < size; y++)
				for (int x = 0; x < size; x++) {
					double v = 0.5 + 0.5 * Math.sin(fx * x + phase) * Math.cos(fy * y);
					in[y * size + x] = (float) (1000 + 30000 * v);
					tg[y * size + x] = (float) (40000 - 20000 * v);
				}
			out.add(new ImagePair("pair" + n, new FloatImage(1, size, size, in), new FloatImage(1, size, size, tg)));
		}
		return out;
	}

	static Pix2PixOptions tinyOptions() {
		Pix2PixOptions o = new Pix2PixOptions();
		o.generator = "unet_32";
		o.ngf = 4;
		o.ndf = 4;
		o.patchSize = 32;
		o.nEpochs = 2;
		o.nEpochsDecay = 2;
		o.lr = 2e-3;
		return o;
	}

	static PairedTrainingData data(Pix2PixOptions o) {
		return new PairedTrainingData(pairs(3, 48, 5), SampleType.UINT16, SampleType.UINT16, NormalizationRule.percentile(),
				NormalizationRule.percentile(), o.patchSize);
	}

	private static List<Map<String, Double>> run(Pix2PixTrainer t, int iterations) {
		List<Map<String, Double>> losses = new ArrayList<>();
		for (int i = 0; i < iterations; i++)
			losses.add(t.iterate(t.schedule().rate(0)));
		return losses;
	}

	@Test
	void l1LossFallsWhileTraining() {
		Pix2PixOptions o = tinyOptions();
		Pix2PixTrainer t = new Pix2PixTrainer(o, data(o));
		List<Map<String, Double>> losses = run(t, 40);
		double first = losses.subList(0, 5).stream().mapToDouble(m -> m.get("G_L1")).average().getAsDouble();
		double last = losses.subList(35, 40).stream().mapToDouble(m -> m.get("G_L1")).average().getAsDouble();
		assertTrue(last < 0.6 * first, "G_L1 fell from " + first + " to " + last);
		for (Map<String, Double> m : losses)
			for (double v : m.values())
				assertTrue(Double.isFinite(v));
	}

	@Test
	void theSameSeedRepeatsTheRun() {
		Pix2PixOptions o = tinyOptions();
		List<Map<String, Double>> a = run(new Pix2PixTrainer(o, data(o)), 3);
		List<Map<String, Double>> b = run(new Pix2PixTrainer(o, data(o)), 3);
		assertEquals(a, b);
		o.seed = 43;
		List<Map<String, Double>> c = run(new Pix2PixTrainer(o, data(o)), 3);
		assertFalse(a.equals(c));
	}

	@Test
	void trainingRunsTheScheduleAndRecordsHistory() throws Exception {
		Pix2PixOptions o = tinyOptions();
		o.nEpochs = 1;
		o.nEpochsDecay = 1;
		Pix2PixTrainer t = new Pix2PixTrainer(o, data(o));
		List<Double> rates = new ArrayList<>();
		assertTrue(t.train(new TrainingMonitor() {
			@Override
			public void epochDone(TrainingProgress p) {
				rates.add(p.learningRate());
			}
		}, null, 0));
		assertTrue(t.isFinished());
		// 3 images of 48 px hold one 32 px patch each: 3 iterations per epoch
		assertEquals(3, t.epochLength());
		assertEquals(6, t.iterationsDone());
		assertEquals(2, t.history().size());
		// linear policy: epoch 0 at the full rate, epoch 1 at 1 - 1/2
		assertEquals(Arrays.asList(2e-3, 1e-3), rates);
	}

	@Test
	void cancellingStopsBeforeTheNextIteration() throws Exception {
		Pix2PixOptions o = tinyOptions();
		Pix2PixTrainer t = new Pix2PixTrainer(o, data(o));
		int[] calls = { 0 };
		boolean finished = t.train(new TrainingMonitor() {
			@Override
			public boolean isCancelled() {
				return calls[0] >= 2;
			}

			@Override
			public void iterationDone(TrainingProgress p) {
				calls[0]++;
			}
		}, null, 0);
		assertFalse(finished);
		assertEquals(2, t.iterationsDone());
	}

	@Test
	void resumingFromASavedStateContinuesTheRunExactly(@TempDir Path dir) throws Exception {
		Pix2PixOptions o = tinyOptions();
		Pix2PixTrainer straight = new Pix2PixTrainer(o, data(o));
		List<Map<String, Double>> expected = run(straight, 7);

		Pix2PixTrainer first = new Pix2PixTrainer(o, data(o));
		List<Map<String, Double>> got = run(first, 4);
		Path file = dir.resolve("model.zip");
		ModelFile.save(first.model(true), file);
		Pix2PixTrainer resumed = Pix2PixTrainer.resume(ModelFile.load(file, true), data(o), null, null);
		got.addAll(run(resumed, 3));

		for (int i = 0; i < expected.size(); i++)
			for (String k : expected.get(i).keySet())
				assertEquals(expected.get(i).get(k), got.get(i).get(k), 1e-5, "iteration " + i + " " + k);
		Map<String, INDArray> a = straight.model(false).generatorWeights(), b = resumed.model(false).generatorWeights();
		for (String k : a.keySet())
			assertArrayEquals(a.get(k).reshape(a.get(k).length()).toFloatVector(), b.get(k).reshape(b.get(k).length()).toFloatVector(),
					1e-5f, k);
	}

	@Test
	void aSavedModelTranslatesBitIdentically(@TempDir Path dir) throws Exception {
		Pix2PixOptions o = tinyOptions();
		Pix2PixTrainer t = new Pix2PixTrainer(o, data(o));
		run(t, 3);
		FloatImage image = pairs(1, 40, 99).get(0).input();
		FloatImage before = new Translator(t.model(false), "A2B").translate(image);
		Path file = dir.resolve("m.zip");
		ModelFile.save(t.model(false), file);
		TranslationModel loaded = ModelFile.load(file, true);
		assertEquals(null, loaded.trainingState());
		FloatImage after = new Translator(loaded, "A2B").translate(image);
		assertEquals(before, after);
		assertEquals(40, after.width());
		assertEquals(40, after.height());
	}

	@Test
	void patchSizeMustSuitTheGenerator() {
		Pix2PixOptions o = tinyOptions();
		o.patchSize = 40;
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, o::validate);
		assertTrue(e.getMessage().contains("multiple of 32"), e.getMessage());
	}
}
