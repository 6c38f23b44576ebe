package io.github.imagetranslation.fiji;

import java.awt.BorderLayout;
import java.awt.Button;
import java.awt.EventQueue;
import java.awt.Frame;
import java.awt.Label;
import java.awt.Panel;
import java.awt.event.ActionListener;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.lang.reflect.InvocationTargetException;

import ij.ImagePlus;
import ij.gui.Plot;
import ij.gui.PlotWindow;
import ij.process.ImageProcessor;

/**
 * What a training run shows on a display: a small window with the progress line and a "Stop training" button
 * (closing the window stops too), the live loss chart in an ImageJ plot window, and the preview of translated
 * training patches in an image window. Stopping takes effect after the current iteration; the model and a
 * resumable checkpoint are then saved. Updates may come from any thread and are applied on the event
 * thread; a chart or preview window the user closed is not opened again.
 */
final class TrainingWindow {

	/** Previews smaller than this are shown enlarged. */
	static final int PREVIEW_HEIGHT = 192;

	private final Frame frame;
	private final Label progress;
	private final Button stop;
	private volatile boolean stopRequested;
	private volatile boolean finished;
	private PlotWindow plotWindow;
	private boolean plotClosed;
	private ImagePlus preview;

	private TrainingWindow(String title) {
		frame = new Frame(title);
		progress = new Label("Preparing training...");
		stop = new Button("Stop training");
		stop.addActionListener(e -> requestStop());
		frame.addWindowListener(new WindowAdapter() {
			@Override
			public void windowClosing(WindowEvent e) {
				if (!finished) requestStop();
				frame.dispose();
			}
		});
		Panel buttons = new Panel();
		buttons.add(stop);
		frame.setLayout(new BorderLayout(8, 8));
		frame.add(progress, BorderLayout.CENTER);
		frame.add(buttons, BorderLayout.SOUTH);
		frame.setSize(640, 110);
		frame.setVisible(true);
	}

	/** Opens the window for training {@code modelName}. */
	static TrainingWindow open(String modelName) {
		TrainingWindow[] window = new TrainingWindow[1];
		onEventThreadAndWait(() -> window[0] = new TrainingWindow("Training " + modelName));
		return window[0];
	}

	private void requestStop() {
		stopRequested = true;
		stop.setEnabled(false);
		stop.setLabel("Stopping after this iteration...");
	}

	/** Whether the user asked to stop. */
	boolean stopRequested() {
		return stopRequested;
	}

	/** Shows {@code line} as the current progress. */
	void showProgress(String line) {
		EventQueue.invokeLater(() -> progress.setText(line));
	}

	/** Shows (or redraws) the loss chart. */
	void showLosses(Plot plot) {
		EventQueue.invokeLater(() -> {
			if (plotClosed) return;
			if (plotWindow == null) {
				plotWindow = plot.show();
			} else if (plotWindow.isClosed()) {
				plotClosed = true;
			} else {
				plotWindow.drawPlot(plot);
			}
		});
	}

	/** Shows (or replaces) the preview image, enlarged if small so that it can be seen. */
	void showPreview(ImagePlus image) {
		ImageProcessor enlarged = enlarged(image.getProcessor());
		EventQueue.invokeLater(() -> {
			if (preview == null) {
				preview = new ImagePlus(image.getTitle(), enlarged);
				preview.show();
			} else if (preview.getWindow() != null) {
				preview.setProcessor(enlarged);
				preview.updateAndDraw();
			}
		});
	}

	/** {@code ip} scaled by a whole factor (pixels kept sharp) to at least {@link #PREVIEW_HEIGHT} rows. */
	static ImageProcessor enlarged(ImageProcessor ip) {
		int factor = Math.max(1, PREVIEW_HEIGHT / ip.getHeight());
		if (factor == 1) return ip;
		ip.setInterpolationMethod(ImageProcessor.NONE);
		return ip.resize(ip.getWidth() * factor, ip.getHeight() * factor);
	}

	/** Training is over: shows {@code outcome} and turns the button into "Close". */
	void finished(String outcome) {
		finished = true;
		EventQueue.invokeLater(() -> {
			progress.setText(outcome);
			for (ActionListener l : stop.getActionListeners())
				stop.removeActionListener(l);
			stop.addActionListener(e -> frame.dispose());
			stop.setLabel("Close");
			stop.setEnabled(true);
		});
	}

	private static void onEventThreadAndWait(Runnable task) {
		if (EventQueue.isDispatchThread()) {
			task.run();
			return;
		}
		try {
			EventQueue.invokeAndWait(task);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		} catch (InvocationTargetException e) {
			throw new IllegalStateException("Cannot open the training window", e.getCause());
		}
	}
}
