package io.github.imagetranslation.fiji;

import java.awt.GraphicsEnvironment;
import java.io.File;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.scijava.app.StatusService;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.ui.UIService;

import ij.IJ;
import ij.ImagePlus;
import ij.macro.Interpreter;

/**
 * What the Image Translation commands share. A command's {@link #execute()} checks its inputs, hands the work
 * to the {@code imagej} and {@code engine} classes and shows the result. Every problem a user can fix
 * (a missing image, a model that does not fit, a file that cannot be read) surfaces as one line through
 * SciJava's cancel mechanism ({@link #getCancelReason()}): Fiji shows it in a dialog, and without a display it
 * goes to the log as an error, since nothing else would show it there. Messages for users go to ImageJ's Log
 * window, or to the log without a display.
 */
abstract class ImageTranslationCommand extends ContextCommand {

	/** Where the commands are in Fiji's menus. */
	static final String MENU = "Image Translation";

	@Parameter
	private LogService log;

	@Parameter
	private StatusService status;

	@Parameter(required = false)
	private UIService ui;

	/** Set by {@link #cancel}; read by long work from its own thread. */
	private volatile boolean cancelRequested;

	/**
	 * Does the command's work.
	 *
	 * @throws IOException for files and folders that cannot be used (its message is shown as is)
	 * @throws IllegalArgumentException for inputs that do not fit (its message is shown as is)
	 */
	protected abstract void execute() throws IOException;

	@Override
	public final void run() {
		try {
			execute();
		} catch (IOException | IllegalArgumentException e) {
			fail(firstLine(e.getMessage(), e));
		} catch (OutOfMemoryError e) {
			fail("Out of memory; use a smaller patch_size, batch_size or ngf, smaller images, or give Fiji more memory (Edit > Options > Memory & Threads)");
		} catch (RuntimeException e) {
			log.error(e);
			fail("Internal error (" + firstLine(e.getMessage(), e) + "); please report it with the log");
		} finally {
			status.clearStatus();
		}
	}

	@Override
	public void cancel(String reason) {
		super.cancel(reason);
		cancelRequested = true;
	}

	/** Whether the command was cancelled (through SciJava) or its thread interrupted. */
	protected final boolean stopRequested() {
		return cancelRequested || Thread.currentThread().isInterrupted();
	}

	/**
	 * Ends work that stopped because it was asked to ({@link #stopRequested()}): an interruption of the command's
	 * thread has been handled and is cleared (SciJava's own steps after the command would fail on it), and the
	 * command counts as cancelled with {@code outcome} as its reason unless it was cancelled already.
	 */
	protected final void stopped(String outcome) {
		Thread.interrupted();
		if (!isCanceled()) cancel(outcome);
	}

	/** Ends the command with {@code message} as its one-line reason. */
	protected final void fail(String message) {
		cancel(message);
		if (headless()) log.error(message);
	}

	/** Whether there is no display to show windows on. */
	protected final boolean headless() {
		return GraphicsEnvironment.isHeadless() || (ui != null && ui.isHeadless());
	}

	/** A line for the user: ImageJ's Log window, or the log without a display. */
	protected final void report(String line) {
		if (headless()) log.info(line);
		else IJ.log(line);
	}

	/** A progress line for the log when there is no display (with a display the status bar shows progress). */
	protected final void logProgress(String line) {
		if (headless()) log.info(line);
	}

	/** A warning for the user, e.g. a file that was left out. */
	protected final void warn(String line) {
		if (headless()) log.warn(line);
		else IJ.log("Warning: " + line);
	}

	/** Status bar text and progress ({@code done} of {@code total}). */
	protected final void showStatus(long done, long total, String message) {
		int max = (int) Math.min(Integer.MAX_VALUE, Math.max(1, total));
		status.showStatus((int) Math.min(max, Math.max(0, done)), max, message);
	}

	protected final void showStatus(String message) {
		status.showStatus(message);
	}

	/**
	 * Shows {@code image} so that it becomes the current image, also in a macro without a display (where
	 * ImageJ keeps it as a batch-mode image); without a display and outside macros there is nowhere to show it,
	 * and it stays the command's output only.
	 */
	protected static void show(ImagePlus image) {
		if (GraphicsEnvironment.isHeadless() && !IJ.isMacro() && !Interpreter.isBatchMode()) return;
		image.show();
	}

	/** Whether {@code image} is an image with pixels (an input left unset arrives as an empty ImagePlus or null). */
	static boolean hasPixels(ImagePlus image) {
		return image != null && image.getProcessor() != null && image.getWidth() > 0 && image.getHeight() > 0;
	}

	/** Whether a file or folder was given (the GUI gives an empty path for an empty field). */
	static boolean isGiven(File file) {
		return file != null && !file.getPath().trim().isEmpty();
	}

	/** {@code file}, which must be given, named by its macro key in the message otherwise. */
	static File required(File file, String key, String what) {
		if (!isGiven(file)) throw new IllegalArgumentException("Choose " + what + " (" + key + ")");
		return file;
	}

	/** {@code folder}, which must be given and be an existing folder. */
	static File requireFolder(File folder, String key) {
		if (!isGiven(folder)) throw new IllegalArgumentException("Choose a folder for " + key);
		if (!folder.isDirectory())
			throw new IllegalArgumentException((folder.exists() ? folder + " is not a folder" : "Folder " + folder + " does not exist") + " (" + key + ")");
		return folder;
	}

	/**
	 * For {@link AlternativeInputs}: given folders make the two image inputs unused, given images the two
	 * folder inputs; nothing is unused while neither is given.
	 */
	static List<String> unused(ImagePlus firstImage, ImagePlus secondImage, String firstImageKey, String secondImageKey, File firstFolder,
			File secondFolder, String firstFolderKey, String secondFolderKey) {
		if (isGiven(firstFolder) || isGiven(secondFolder)) return Arrays.asList(firstImageKey, secondImageKey);
		if (hasPixels(firstImage) || hasPixels(secondImage)) return Arrays.asList(firstFolderKey, secondFolderKey);
		return Collections.emptyList();
	}

	/** How option names are written in messages: as the macro keys. */
	static String key(String name) {
		return "'" + name + "'";
	}

	private static String firstLine(String message, Throwable e) {
		if (message == null || message.trim().isEmpty()) return e.getClass().getSimpleName();
		int nl = message.indexOf('\n');
		return nl < 0 ? message : message.substring(0, nl);
	}
}
