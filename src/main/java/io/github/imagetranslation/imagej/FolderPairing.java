package io.github.imagetranslation.imagej;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

/**
 * The result of pairing two folders by file name: the pairs, in input name order, and the files of either
 * folder that have no partner, which the caller should report (they are left out of training).
 */
public final class FolderPairing {

	private final List<FilePair> pairs;
	private final List<Path> unmatchedInputs;
	private final List<Path> unmatchedTargets;

	FolderPairing(List<FilePair> pairs, List<Path> unmatchedInputs, List<Path> unmatchedTargets) {
		this.pairs = Collections.unmodifiableList(pairs);
		this.unmatchedInputs = Collections.unmodifiableList(unmatchedInputs);
		this.unmatchedTargets = Collections.unmodifiableList(unmatchedTargets);
	}

	public List<FilePair> pairs() { return pairs; }

	/** Input files with no target of the same name. */
	public List<Path> unmatchedInputs() { return unmatchedInputs; }

	/** Target files with no input of the same name. */
	public List<Path> unmatchedTargets() { return unmatchedTargets; }

	/** Whether every file found a partner. */
	public boolean isComplete() {
		return unmatchedInputs.isEmpty() && unmatchedTargets.isEmpty();
	}
}
