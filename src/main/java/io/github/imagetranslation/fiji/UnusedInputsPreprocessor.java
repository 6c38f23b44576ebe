package io.github.imagetranslation.fiji;

import org.scijava.module.Module;
import org.scijava.module.process.AbstractPreprocessorPlugin;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.plugin.Plugin;
import org.scijava.widget.InputHarvester;

/**
 * Marks as resolved the inputs an {@link AlternativeInputs} command will not use, after a macro or script has
 * set its inputs and before Fiji asks for the missing ones. SciJava opens a dialog for every input a macro
 * leaves out, and a macro cannot name images that are not open, so without this a macro training on folders
 * would be asked for training images (and one comparing open images for folders).
 */
@Plugin(type = PreprocessorPlugin.class, priority = InputHarvester.PRIORITY + 2)
public class UnusedInputsPreprocessor extends AbstractPreprocessorPlugin {

	@Override
	public void process(Module module) {
		Object command = module.getDelegateObject();
		if (!(command instanceof AlternativeInputs)) return;
		for (String name : ((AlternativeInputs) command).unusedInputs())
			if (!module.isInputResolved(name)) module.resolveInput(name);
	}
}
