package io.github.imagetranslation.fiji;

import java.util.List;

/**
 * A command that takes its data from one of two alternative sets of inputs, e.g. open images or folders, and
 * can tell from the inputs set so far which of them it will not use (see {@link UnusedInputsPreprocessor}).
 */
interface AlternativeInputs {

	/** Names of the inputs that do not apply given the inputs set so far; empty while no choice is made. */
	List<String> unusedInputs();
}
