package io.github.imagetranslation.imagej;

import java.nio.file.Path;
import java.util.Objects;

/** An input image file and the target file of the same name, one example of paired training data. */
public final class FilePair {

	private final Path input;
	private final Path target;

	public FilePair(Path input, Path target) {
		this.input = Objects.requireNonNull(input);
		this.target = Objects.requireNonNull(target);
	}

	public Path input() { return input; }

	public Path target() { return target; }

	@Override
	public boolean equals(Object o) {
		if (!(o instanceof FilePair)) return false;
		FilePair other = (FilePair) o;
		return input.equals(other.input) && target.equals(other.target);
	}

	@Override
	public int hashCode() {
		return 31 * input.hashCode() + target.hashCode();
	}

	@Override
	public String toString() {
		return input + " -> " + target;
	}
}
