package io.github.imagetranslation.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.awt.Button;
import java.awt.Component;
import java.awt.Container;
import java.awt.EventQueue;
import java.awt.Frame;
import java.awt.GraphicsEnvironment;
import java.awt.event.ActionEvent;
import java.awt.event.ActionListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.gui.PlotWindow;
import io.github.imagetranslation.engine.model.CheckpointFiles;
import io.github.imagetranslation.engine.model.ModelDescription;
import io.github.imagetranslation.engine.model.ModelFile;

/**
 * Training with a display: the training window, the live loss chart and the preview appear, and "Stop training"
 * ends the run after the current iteration with the model and a resumable checkpoint saved. Needs a display,
 * e.g. {@code xvfb-run mvn test -Dtest=TrainingWindowTest}; skipped without one.
 */
class TrainingWindowTest {

	static {
		TemporaryPreferences.use();
	}

	static Path pairs(String name) throws Exception {
		return Paths.get(TrainingWindowTest.class.getResource("/io/github/imagetranslation/pairs/" + name).toURI());
	}

	static <T> T waitFor(String what, Supplier<T> probe) throws InterruptedException {
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (System.nanoTime() < end) {
			T found = probe.get();
			if (found != null) return found;
			Thread.sleep(100);
		}
		throw new AssertionError("Timed out waiting for " + what);
	}

	static Frame frame(String title) {
		for (Frame f : Frame.getFrames())
			if (f.isVisible() && f.getTitle().equals(title)) return f;
		return null;
	}

	static Button button(Container c, String label) {
		for (Component child : c.getComponents()) {
			if (child instanceof Button && ((Button) child).getLabel().equals(label)) return (Button) child;
			if (child instanceof Container) {
				Button b = button((Container) child, label);
				if (b != null) return b;
			}
		}
		return null;
	}

	@Test
	void trainingShowsProgressChartAndPreviewAndStopsOnTheButton(@TempDir Path dir) throws Exception {
		assumeFalse(GraphicsEnvironment.isHeadless(), "needs a display");
		Path model = dir.resolve("shown.zip");
		Context context = new Context();
		try {
			Future<CommandModule> run = context.service(CommandService.class).run(TrainPix2PixCommand.class, true, "input_folder",
					pairs("t1").toString(), "target_folder", pairs("pd").toString(), "model_file", model.toString(), "generator", "unet_32",
					"ngf", "4", "ndf", "4", "patch_size", "32", "n_epochs", "100", "n_epochs_decay", "0");
			Frame control = waitFor("the training window", () -> frame("Training shown.zip"));
			PlotWindow chart = (PlotWindow) waitFor("the loss chart", () -> frame("Losses of shown.zip"));
			waitFor("the preview", () -> frame("Preview of shown.zip (input | translated | target)"));
			Thread.sleep(1500);
			assertTrue(chart.getPlot().getXValues().length > 1, "the chart is redrawn as training goes on");

			Button stop = button(control, "Stop training");
			assertNotNull(stop);
			EventQueue.invokeAndWait(() -> {
				for (ActionListener l : stop.getActionListeners())
					l.actionPerformed(new ActionEvent(stop, ActionEvent.ACTION_PERFORMED, stop.getLabel()));
			});
			CommandModule m = run.get(60, TimeUnit.SECONDS);
			assertFalse(m.isCanceled(), "stopping from the window is a normal end: " + m.getCancelReason());
			ModelDescription saved = ModelFile.describe(model);
			assertFalse(saved.finished);
			assertTrue(saved.iterationsDone < 800);
			assertEquals(saved.iterationsDone, ModelFile.describe(CheckpointFiles.checkpointOf(model)).iterationsDone);
			assertTrue(Files.isRegularFile(CheckpointFiles.checkpointOf(model)));
			waitFor("the close button", () -> button(control, "Close"));
		} finally {
			for (Frame f : Frame.getFrames())
				f.dispose();
			context.dispose();
		}
	}
}
