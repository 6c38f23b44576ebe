package io.github.imagetranslation.fiji;

import java.io.File;
import java.io.IOException;
import java.util.List;

import org.scijava.ItemVisibility;
import org.scijava.command.Command;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import ij.ImagePlus;
import io.github.imagetranslation.engine.data.PairedTrainingData;
import io.github.imagetranslation.engine.train.Pix2PixOptions;
import io.github.imagetranslation.engine.train.Pix2PixTrainer;
import io.github.imagetranslation.imagej.TrainingRun;
import io.github.imagetranslation.imagej.TrainingSets;

/**
 * Plugins &gt; Image Translation &gt; Train pix2pix: trains a pix2pix model on aligned pairs, either two open
 * images or stacks (slice i of the input pairs with slice i of the target; one large pair is cut into random
 * crops) or two folders (files paired by name). Parameter names are the macro keys and the option names of the
 * command line and model files.
 */
@Plugin(type = Command.class, headless = true, label = "Train pix2pix", menu = { @Menu(label = "Plugins"),
		@Menu(label = ImageTranslationCommand.MENU), @Menu(label = "Train pix2pix", weight = 1) })
public class TrainPix2PixCommand extends TrainingCommand implements AlternativeInputs {

	private static final Pix2PixOptions DEFAULTS = new Pix2PixOptions();

	@Parameter(label = "Input image or stack", persist = false, required = false,
			description = "Open image whose slices are the inputs; slice i pairs with slice i of the target")
	private ImagePlus input;

	@Parameter(label = "Target image or stack", persist = false, required = false, description = "Open image whose slices are the targets")
	private ImagePlus target;

	@Parameter(label = "Input folder (instead of images)", required = false, persist = false, style = FileWidget.DIRECTORY_STYLE,
			description = "Train on the images of this folder, paired by file name with the target folder; leave empty to use the open images")
	private File input_folder;

	@Parameter(label = "Target folder", required = false, persist = false, style = FileWidget.DIRECTORY_STYLE)
	private File target_folder;

	@Parameter(label = "Model file", required = false, style = FileWidget.SAVE_STYLE, persist = false,
			description = "The model to write (.zip); its checkpoint (.checkpoint.zip) and best model (.best.zip) are kept next to it")
	private File model_file;

	@Parameter(label = "Resume", persist = false,
			description = "Continue the run saved in the model file (or its checkpoint) with its saved options; n_epochs and n_epochs_decay set the schedule's new length")
	private boolean resume;

	@Parameter(label = "Overwrite", persist = false, description = "Start anew even if the model file exists")
	private boolean overwrite;

	@Parameter(visibility = ItemVisibility.MESSAGE, required = false, persist = false)
	private String options_heading = "Training options (defaults as the reference implementation)";

	@Parameter(label = "Generator", choices = { "unet_256", "unet_128", "unet_64", "unet_32", "resnet_9blocks", "resnet_6blocks" },
			persist = false, description = "U-Net (unet_<size>) or ResNet (resnet_<n>blocks) generator")
	private String generator = DEFAULTS.generator;

	@Parameter(label = "Generator filters (ngf)", persist = false, description = "Filters in the generator's first layer")
	private int ngf = DEFAULTS.ngf;

	@Parameter(label = "Epochs", persist = false, description = "Epochs at the initial learning rate")
	private int n_epochs = DEFAULTS.nEpochs;

	@Parameter(label = "Decay epochs", persist = false, description = "Epochs of linear decay of the learning rate to zero")
	private int n_epochs_decay = DEFAULTS.nEpochsDecay;

	@Parameter(label = "Patch size", persist = false,
			description = "Side of the square training patches (a multiple of what the generator needs, e.g. 256 for unet_256)")
	private int patch_size = DEFAULTS.patchSize;

	@Parameter(label = "Learning rate", persist = false, description = "Initial Adam learning rate")
	private double lr = DEFAULTS.lr;

	@Parameter(label = "L1 weight (lambda_l1)", persist = false, description = "Weight of the L1 distance to the target")
	private double lambda_l1 = DEFAULTS.lambdaL1;

	@Parameter(label = "Input normalisation", persist = false, description = "percentile[:low:high], fixed:min:max or none")
	private String input_normalization = DEFAULTS.inputNormalization;

	@Parameter(label = "Target normalisation", persist = false, description = "percentile[:low:high], fixed:min:max or none; inverted on translated images")
	private String target_normalization = DEFAULTS.targetNormalization;

	@Parameter(label = "Random seed", persist = false, description = "The same seed and data repeat a run")
	private long seed = DEFAULTS.seed;

	@Parameter(visibility = ItemVisibility.MESSAGE, required = false, persist = false)
	private String advanced_heading = "Advanced options";

	@Parameter(label = "Normalisation layers", choices = { "batch", "instance", "none" }, persist = false)
	private String norm = DEFAULTS.norm;

	@Parameter(label = "Dropout", persist = false, description = "Dropout rate in the generator's inner blocks (0 switches it off)")
	private double dropout = DEFAULTS.dropout;

	@Parameter(label = "Discriminator", choices = { "basic", "n_layers", "pixel" }, persist = false,
			description = "basic (70x70 PatchGAN), n_layers (PatchGAN of n_layers_d layers) or pixel")
	private String discriminator = DEFAULTS.discriminator;

	@Parameter(label = "Discriminator layers (n_layers_d)", persist = false)
	private int n_layers_d = DEFAULTS.nLayersD;

	@Parameter(label = "Discriminator filters (ndf)", persist = false)
	private int ndf = DEFAULTS.ndf;

	@Parameter(label = "GAN loss", choices = { "vanilla", "lsgan" }, persist = false)
	private String gan_loss = DEFAULTS.ganLoss;

	@Parameter(label = "Adam beta1", persist = false)
	private double beta1 = DEFAULTS.beta1;

	@Parameter(label = "Adam beta2", persist = false)
	private double beta2 = DEFAULTS.beta2;

	@Parameter(label = "Batch size", persist = false, description = "Patches per iteration")
	private int batch_size = DEFAULTS.batchSize;

	@Parameter(label = "Mirror patches at random (flip)", persist = false)
	private boolean flip = DEFAULTS.flip;

	@Parameter(label = "Checkpoint every N iterations", persist = false, description = "0: after every epoch only")
	private int checkpoint_every = 0;

	@Override
	public List<String> unusedInputs() {
		return unused(input, target, "input", "target", input_folder, target_folder, "input_folder", "target_folder");
	}

	@Override
	protected void execute() throws IOException {
		boolean folders = useFolders(input_folder, "input_folder", target_folder, "target_folder");
		if (!folders) {
			requireImage(input, "input", "input_folder and target_folder");
			requireImage(target, "target", "input_folder and target_folder");
		}
		Pix2PixOptions given = new Pix2PixOptions();
		OptionFields.copy(this, given);
		TrainingRun run = plan(model_file, given, resume, overwrite);
		Pix2PixOptions options = (Pix2PixOptions) run.options();
		PairedTrainingData data = folders
				? TrainingSets.paired(input_folder.toPath(), target_folder.toPath(), options, this::warn)
				: TrainingSets.paired(input, target, options);
		report(data.size() + " training pairs");
		Pix2PixTrainer trainer = run.pix2pix(data);
		train(run, trainer, run::preview, checkpoint_every);
	}
}
