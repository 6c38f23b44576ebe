package io.github.imagetranslation.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.github.imagetranslation.engine.data.DomainImages;
import io.github.imagetranslation.engine.data.UnpairedTrainingData;
import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.SampleType;
import io.github.imagetranslation.engine.infer.Translator;
import io.github.imagetranslation.engine.loss.GanLoss;
import io.github.imagetranslation.engine.loss.ReconstructionLoss;
import io.github.imagetranslation.engine.model.ModelFile;
import io.github.imagetranslation.engine.model.TranslationModel;
import io.github.imagetranslation.engine.nn.ConsoleSilencer;
import io.github.imagetranslation.engine.nn.DiscriminatorSpec;
import io.github.imagetranslation.engine.nn.GeneratorSpec;
import io.github.imagetranslation.engine.nn.ParameterStore;
import io.github.imagetranslation.engine.nn.SameDiffLayers;
import io.github.imagetranslation.engine.norm.NormalizationRule;
import io.github.imagetranslation.engine.random.SplitMix64;

/** CycleGAN training at tiny sizes. */
class CycleGanTrainerTest {

	static CycleGanOptions tinyOptions() {
		CycleGanOptions o = new CycleGanOptions();
		o.generator = "resnet_1blocks";
		o.ngf = 4;
		o.ndf = 4;
		o.patchSize = 32;
		o.nEpochs = 2;
		o.nEpochsDecay = 2;
		o.poolSize = 2;
		o.lr = 2e-3;
		return o;
	}

	/** Domain A: smooth stripes; domain B: inverted blobs of other frequencies, unpaired. */
	static UnpairedTrainingData data(CycleGanOptions o) {
		List<FloatImage> a = new ArrayList<>(), b = new ArrayList<>();
		SplitMix64 r = new SplitMix64(11);
		for (int n = 0; n < 3; n++) {
			a.add(pattern(40, r, false));
			b.add(pattern(36 + 4 * n, r, true));
		}
		List<String> names = Arrays.asList("1", "2", "3");
		NormalizationRule rule = NormalizationRule.percentile();
		return new UnpairedTrainingData(new DomainImages("A", a, names, SampleType.UINT8, rule, o.patchSize),
				new DomainImages("B", b, names, SampleType.UINT8, rule, o.patchSize), o.patchSize);
	}

	static FloatImage pattern(int size, SplitMix64 r, boolean inverted) {
		float[] v = new float[size * size];
		double f = 0.1 + 0.3 * r.nextDouble(), phase = 6 * r.nextDouble();
		for (int y = 0; y < size; y++)
			for (int x = 0; x < size; x++) {
				double s = 0.5 + 0.5 * Math.sin(f * (x + y) + phase);
				v[y * size + x] = (float) (inverted ? 255 - 200 * s * s : 20 + 200 * s);
			}
		return new FloatImage(1, size, size, v);
	}

	private static List<Map<String, Double>> run(CycleGanTrainer t, int iterations) {
		List<Map<String, Double>> losses = new ArrayList<>();
		for (int i = 0; i < iterations; i++)
			losses.add(t.iterate(t.schedule().rate(0)));
		return losses;
	}

	@Test
	void cycleLossFallsWhileTraining() {
		CycleGanOptions o = tinyOptions();
		List<Map<String, Double>> losses = run(new CycleGanTrainer(o, data(o)), 40);
		double first = losses.subList(0, 5).stream().mapToDouble(m -> m.get("cycle_A") + m.get("cycle_B")).average().getAsDouble();
		double last = losses.subList(35, 40).stream().mapToDouble(m -> m.get("cycle_A") + m.get("cycle_B")).average().getAsDouble();
		assertTrue(last < 0.7 * first, "cycle loss fell from " + first + " to " + last);
		assertEquals(CycleGanTrainer.LOSSES, new ArrayList<>(losses.get(0).keySet()));
	}

	@Test
	void eachNetworkIsTrainedOnlyByItsOwnLoss() {
		CycleGanOptions o = tinyOptions();
		o.poolSize = 0;
		CycleGanTrainer trainer = new CycleGanTrainer(o, data(o));
		SplitMix64 r = new SplitMix64(5);
		float[] a = new float[32 * 32], b = new float[32 * 32];
		for (int i = 0; i < a.length; i++) {
			a[i] = (float) (2 * r.nextDouble() - 1);
			b[i] = (float) (2 * r.nextDouble() - 1);
		}
		Map<String, INDArray> combined = trainer.gradients(a, b);

		// the generators' loss alone, with the discriminators as they are, differentiated for the generators
		Map<String, INDArray> weights = trainer.parameters().arrays();
		GeneratorSpec gab = o.generatorSpec(1, 1), gba = o.generatorSpec(1, 1);
		DiscriminatorSpec d = o.discriminatorSpec(1);
		GanLoss gan = o.ganLoss();
		SameDiff g = SameDiff.create();
		SameDiffLayers lg = new SameDiffLayers(g, ParameterStore.of(weights), gab.norm(), false);
		SDVariable realA = g.constant(Nd4j.create(a, new long[] { 1, 1, 32, 32 }, 'c'));
		SDVariable realB = g.constant(Nd4j.create(b, new long[] { 1, 1, 32, 32 }, 'c'));
		SDVariable fakeB = gab.build(lg, "G_A2B.", realA, 1, 32), fakeA = gba.build(lg, "G_B2A.", realB, 1, 32);
		SDVariable loss = gan.build(g, d.build(lg, "D_B.", fakeB), true).add(gan.build(g, d.build(lg, "D_A.", fakeA), true))
				.add(ReconstructionLoss.l1(g, gba.build(lg, "G_B2A.", fakeB, 1, 32), realA).mul(o.lambdaA))
				.add(ReconstructionLoss.l1(g, gab.build(lg, "G_A2B.", fakeA, 1, 32), realB).mul(o.lambdaB))
				.add(ReconstructionLoss.l1(g, gab.build(lg, "G_A2B.", realB, 1, 32), realB).mul(o.lambdaB * o.lambdaIdentity))
				.add(ReconstructionLoss.l1(g, gba.build(lg, "G_B2A.", realA, 1, 32), realA).mul(o.lambdaA * o.lambdaIdentity));
		loss.rename("loss");
		g.setLossVariables("loss");
		List<String> generatorWeights = new ArrayList<>(), discriminatorWeights = new ArrayList<>();
		for (String k : weights.keySet())
			(k.startsWith("G_") ? generatorWeights : discriminatorWeights).add(k);
		Map<String, INDArray> generatorGradients = ConsoleSilencer.silently(() -> g.calculateGradients(Collections.emptyMap(), generatorWeights));
		INDArray fakeBValue = fakeB.eval(), fakeAValue = fakeA.eval();

		// the discriminators' loss alone, on fixed generated images, differentiated for the discriminators
		SameDiff dd = SameDiff.create();
		SameDiffLayers ld = new SameDiffLayers(dd, ParameterStore.of(weights), d.norm(), false);
		SDVariable ra = dd.constant(Nd4j.create(a, new long[] { 1, 1, 32, 32 }, 'c'));
		SDVariable rb = dd.constant(Nd4j.create(b, new long[] { 1, 1, 32, 32 }, 'c'));
		SDVariable dLoss = gan.build(dd, d.build(ld, "D_B.", rb), true).add(gan.build(dd, d.build(ld, "D_B.", dd.constant(fakeBValue)), false)).mul(0.5)
				.add(gan.build(dd, d.build(ld, "D_A.", ra), true).add(gan.build(dd, d.build(ld, "D_A.", dd.constant(fakeAValue)), false)).mul(0.5));
		dLoss.rename("loss");
		dd.setLossVariables("loss");
		Map<String, INDArray> discriminatorGradients = ConsoleSilencer.silently(() -> dd.calculateGradients(Collections.emptyMap(), discriminatorWeights));

		Map<String, INDArray> expected = new HashMap<>(generatorGradients);
		expected.putAll(discriminatorGradients);
		assertEquals(weights.size(), expected.size());
		// the bias of a convolution followed by instance normalisation has a gradient of exactly 0 in exact
		// arithmetic; in float it is rounding noise (1e-7 to 5e-6 here, where the weights' gradients are about 17),
		// which differs between convolution implementations: gradients are compared relative to their own size or
		// to 1% of the largest gradient, whichever is larger
		double largest = 0;
		for (INDArray e : expected.values())
			largest = Math.max(largest, e.norm2Number().doubleValue());
		for (String k : weights.keySet()) {
			INDArray e = expected.get(k), c = combined.get(k);
			double scale = Math.max(1e-2 * largest, e.norm2Number().doubleValue());
			double diff = e.sub(c).norm2Number().doubleValue();
			assertTrue(diff / scale < 1e-4, k + ": relative gradient difference " + diff / scale);
		}
	}

	@Test
	void resumingContinuesExactlyWithPoolsAndSchedule(@TempDir Path dir) throws Exception {
		CycleGanOptions o = tinyOptions();
		List<Map<String, Double>> expected = run(new CycleGanTrainer(o, data(o)), 6);
		CycleGanTrainer first = new CycleGanTrainer(o, data(o));
		List<Map<String, Double>> got = run(first, 3);
		Path file = dir.resolve("c.zip");
		ModelFile.save(first.model(true), file);
		got.addAll(run(CycleGanTrainer.resume(ModelFile.load(file, true), data(o), null, null), 3));
		for (int i = 0; i < expected.size(); i++)
			for (String k : expected.get(i).keySet())
				assertEquals(expected.get(i).get(k), got.get(i).get(k), 1e-5, "iteration " + i + " " + k);
	}

	@Test
	void theModelTranslatesBothWays() {
		CycleGanOptions o = tinyOptions();
		CycleGanTrainer t = new CycleGanTrainer(o, data(o));
		run(t, 2);
		TranslationModel m = t.model(false);
		assertEquals(Arrays.asList("A2B", "B2A"), m.directions());
		FloatImage in = pattern(44, new SplitMix64(3), false);
		FloatImage ab = new Translator(m, "A2B").translate(in), ba = new Translator(m, "B2A").translate(in);
		assertEquals(44, ab.width());
		assertFalse(ab.equals(ba));
	}

	@Test
	void identityLossNeedsEqualChannels() {
		CycleGanOptions o = tinyOptions();
		List<String> names = Collections.singletonList("x");
		NormalizationRule rule = NormalizationRule.percentile();
		FloatImage grey = pattern(40, new SplitMix64(1), false);
		FloatImage rgb = new FloatImage(3, 40, 40, new float[3 * 40 * 40]);
		UnpairedTrainingData mixed = new UnpairedTrainingData(new DomainImages("A", Collections.singletonList(grey), names, SampleType.UINT8, rule, 32),
				new DomainImages("B", Collections.singletonList(rgb), names, SampleType.UINT8, rule, 32), 32);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CycleGanTrainer(o, mixed));
		assertTrue(e.getMessage().contains("lambda_identity=0"), e.getMessage());
		o.lambdaIdentity = 0;
		assertEquals(3, new CycleGanTrainer(o, mixed).model(false).generator("A2B").outChannels());
	}
}
