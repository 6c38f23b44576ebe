package io.github.imagetranslation.cli;

/**
 * Turns Ctrl-C (SIGINT/SIGTERM) into a cancel request for long work: the work notices it within one
 * iteration, saves what it has and returns, and the process exits only after that, so an interrupted
 * training run keeps a usable model and a resumable checkpoint.
 */
final class Interruption implements AutoCloseable {

	private static final long SAVE_TIMEOUT_MS = 120_000;

	private final Thread hook;
	private final Thread worker;
	private volatile boolean requested;
	private volatile boolean finished;

	Interruption() {
		worker = Thread.currentThread();
		hook = new Thread(() -> {
			requested = true;
			try {
				long end = System.currentTimeMillis() + SAVE_TIMEOUT_MS;
				synchronized (this) {
					while (!finished && System.currentTimeMillis() < end)
						wait(500);
				}
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}, "image-translation-interrupt");
		Runtime.getRuntime().addShutdownHook(hook);
	}

	boolean requested() {
		return requested;
	}

	Thread worker() {
		return worker;
	}

	@Override
	public void close() {
		synchronized (this) {
			finished = true;
			notifyAll();
		}
		if (!requested) {
			try {
				Runtime.getRuntime().removeShutdownHook(hook);
			} catch (IllegalStateException e) {
				// shutting down already: the hook is waiting for this notification
			}
		}
	}
}
