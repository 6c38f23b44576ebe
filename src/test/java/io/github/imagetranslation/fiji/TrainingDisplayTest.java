package io.github.imagetranslation.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import ij.gui.Plot;
import io.github.imagetranslation.engine.data.PairedTrainingData;
import io.github.imagetranslation.engine.data.UnpairedTrainingData;
import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.infer.SamplePreview;
import io.github.imagetranslation.engine.train.CycleGanOptions;
import io.github.imagetranslation.engine.train.CycleGanTrainer;
import io.github.imagetranslation.engine.train.Pix2PixOptions;
import io.github.imagetranslation.engine.train.Pix2PixTrainer;
import io.github.imagetranslation.engine.train.TrainingMonitor;
import io.github.imagetranslation.imagej.TrainingSets;

/** What training shows besides log lines, without a display: the loss chart's data and the preview. */
class TrainingDisplayTest {

	static {
		System.setProperty("java.awt.headless", "true");
	}

	static Path pairs(String name) throws Exception {
		return Paths.get(TrainingDisplayTest.class.getResource("/io/github/imagetranslation/pairs/" + name).toURI());
	}

	/** Stops a run after {@code n} more iterations. */
	static TrainingMonitor stopAfter(int n) {
		int[] left = { n };
		return new TrainingMonitor() {
			@Override
			public boolean isCancelled() {
				return left[0]-- <= 0;
			}
		};
	}

	@Test
	void lossHistoryKeepsBoundedSmoothedSeriesForTheChart() {
		LossHistory history = new LossHistory();
		for (int i = 1; i <= 2500; i++) {
			Map<String, Double> losses = new LinkedHashMap<>();
			losses.put("G_L1", (double) i);
			losses.put("D_real", 1.0);
			history.add(i, losses);
		}
		assertTrue(history.points() <= LossHistory.MAX_POINTS && history.points() >= LossHistory.MAX_POINTS / 2, "" + history.points());
		assertEquals(Arrays.asList("G_L1", "D_real"), history.names());
		Plot plot = history.plot("Losses");
		float[] x = plot.getXValues(), y = plot.getYValues();
		assertEquals(x.length, y.length);
		for (int i = 0; i < x.length; i++)
			assertEquals(x[i], y[i], 1e-3, "a bucket's mean loss is its mean iteration here");
		assertTrue(plot.getImagePlus().getWidth() > 0, "the chart draws without a display");
	}

	@Test
	void thePix2PixPreviewShowsInputTranslationAndTargetAsTrainingGoesOn() throws Exception {
		Pix2PixOptions o = new Pix2PixOptions();
		o.generator = "unet_32";
		o.ngf = 4;
		o.ndf = 4;
		o.patchSize = 32;
		o.nEpochs = 1;
		o.nEpochsDecay = 0;
		o.lr = 0.01;
		PairedTrainingData data = TrainingSets.paired(pairs("t1"), pairs("pd"), o, w -> {});
		Pix2PixTrainer trainer = new Pix2PixTrainer(o, data);
		SamplePreview preview = SamplePreview.pix2pix(trainer.model(false), data, 3);
		FloatImage before = preview.render();
		// two training pairs: two rows of input | translated | target, 32 px with 4 px gaps
		assertArrayEquals(new int[] { 1, 2 * 32 + 4, 3 * 32 + 2 * 4 }, new int[] { before.channels(), before.height(), before.width() });
		trainer.train(stopAfter(4), null, 0);
		FloatImage after = preview.render();
		assertFalse(Arrays.equals(before.data(), after.data()), "the translation follows the live weights");
		FloatImage input = after.crop(0, 0, 32, 32), target = after.crop(72, 0, 32, 32);
		assertEquals(before.crop(0, 0, 32, 32), input, "fixed input");
		assertEquals(before.crop(72, 0, 32, 32), target, "fixed target");
		assertEquals("input | translated | target", preview.layout());
	}

	@Test
	void theCycleGanPreviewShowsBothDirectionsInColour() throws Exception {
		CycleGanOptions o = new CycleGanOptions();
		o.generator = "resnet_1blocks";
		o.ngf = 4;
		o.ndf = 4;
		o.patchSize = 32;
		o.lambdaIdentity = 0;
		o.poolSize = 0;
		UnpairedTrainingData data = TrainingSets.unpaired(pairs("day"), pairs("night"), o);
		FloatImage shown = SamplePreview.cycleGan(new CycleGanTrainer(o, data).model(false), data, 3).render();
		// two images per domain: rows A | A to B | back to A and B | B to A | back to B, in colour
		assertEquals(3, shown.channels());
		assertEquals(3 * 32 + 2 * 4, shown.width());
		assertEquals(4 * 32 + 3 * 4, shown.height());
	}
}
