package io.github.imagetranslation.engine.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files so that a reader never sees a half-written one: the content goes to a hidden temporary file
 * next to the target, is forced to disk, and then replaces the target in one rename. If writing fails (an
 * exception, a full disk, a cancelled job) the temporary file is removed and any previous target is untouched.
 */
public final class AtomicFiles {

	/** Writes content to a stream. */
	@FunctionalInterface
	public interface StreamWriter {
		void write(OutputStream out) throws IOException;
	}

	/** Writes content to a file path (for libraries that insist on writing a path themselves). */
	@FunctionalInterface
	public interface PathWriter {
		void write(Path path) throws IOException;
	}

	private static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rw-r--r--");

	private AtomicFiles() {}

	/**
	 * Temporary files are created readable by their owner only; the result gets the permissions of the file it
	 * replaces, or those of an ordinarily created file.
	 */
	private static void givePermissions(Path temp, Path target) throws IOException {
		try {
			Set<PosixFilePermission> permissions = Files.exists(target) ? Files.getPosixFilePermissions(target) : READABLE;
			Files.setPosixFilePermissions(temp, permissions);
		} catch (UnsupportedOperationException e) {
			// not a POSIX file system: its defaults apply
		}
	}

	/** Atomically replaces {@code target} with what {@code writer} writes to a stream. */
	public static void write(Path target, StreamWriter writer) throws IOException {
		writeTo(target, temp -> {
			try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
				writer.write(out);
			}
		});
	}

	/**
	 * Atomically replaces {@code target} with the file that {@code writer} creates at the path it is given
	 * (a temporary path in the same folder, with the target's extension).
	 */
	public static void writeTo(Path target, PathWriter writer) throws IOException {
		Path absolute = target.toAbsolutePath();
		Path dir = absolute.getParent();
		Files.createDirectories(dir);
		String name = absolute.getFileName().toString();
		int dot = name.lastIndexOf('.');
		String extension = dot > 0 ? name.substring(dot) : "";
		Path temp = Files.createTempFile(dir, "." + name + ".", ".partial" + extension);
		boolean done = false;
		try {
			writer.write(temp);
			if (!Files.isRegularFile(temp) || Files.size(temp) == 0)
				throw new IOException("Nothing was written to " + target);
			try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
				channel.force(true);
			}
			givePermissions(temp, absolute);
			try {
				Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			} catch (AtomicMoveNotSupportedException e) {
				Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
			}
			done = true;
		} finally {
			if (!done) Files.deleteIfExists(temp);
		}
	}
}
