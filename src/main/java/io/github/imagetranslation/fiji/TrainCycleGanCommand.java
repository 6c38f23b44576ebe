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
import io.github.imagetranslation.engine.data.UnpairedTrainingData;
import io.github.imagetranslation.engine.train.CycleGanOptions;
import io.github.imagetranslation.engine.train.CycleGanTrainer;
import io.github.imagetranslation.imagej.TrainingRun;
import io.github.imagetranslation.imagej.TrainingSets;

/**
 * Plugins &gt; Image Translation &gt; Train CycleGAN: trains a CycleGAN on two unpaired domains, each an open
 * image or stack (every slice one sample) or a folder of images (any count, any sizes). Parameter names are the
 * macro keys and the option names of the command line and model files.
 */
@Plugin(type = Command.class, headless = true, label = "Train CycleGAN", menu = { @Menu(label = "Plugins"),
		@Menu(label = ImageTranslationCommand.MENU), @Menu(label = "Train CycleGAN", weight = 2) })
public class TrainCycleGanCommand extends TrainingCommand implements AlternativeInputs {

	private static final CycleGanOptions DEFAULTS = new CycleGanOptions();

	@Parameter(label = "Domain A image or stack", persist = false, required = false, description = "Open image whose slices are the domain-A samples")
	private ImagePlus domain_a;

	@Parameter(label = "Domain B image or stack", persist = false, required = false, description = "Open image whose slices are the domain-B samples")
	private ImagePlus domain_b;

	@Parameter(label = "Domain A folder (instead of images)", required = false, persist = false, style = FileWidget.DIRECTORY_STYLE,
			description = "Train on the images of this folder; leave empty to use the open images")
	private File domain_a_folder;

	@Parameter(label = "Domain B folder", required = false, persist = false, style = FileWidget.DIRECTORY_STYLE)
	private File domain_b_folder;

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

	@Parameter(label = "Generator", choices = { "resnet_9blocks", "resnet_6blocks", "unet_256", "unet_128" }, persist = false,
			description = "ResNet (resnet_<n>blocks) or U-Net (unet_<size>) generator")
	private String generator = DEFAULTS.generator;

	@Parameter(label = "Generator filters (ngf)", persist = false, description = "Filters in the generators' first layer")
	private int ngf = DEFAULTS.ngf;

	@Parameter(label = "Epochs", persist = false, description = "Epochs at the initial learning rate")
	private int n_epochs = DEFAULTS.nEpochs;

	@Parameter(label = "Decay epochs", persist = false, description = "Epochs of linear decay of the learning rate to zero")
	private int n_epochs_decay = DEFAULTS.nEpochsDecay;

	@Parameter(label = "Patch size", persist = false, description = "Side of the square training patches")
	private int patch_size = DEFAULTS.patchSize;

	@Parameter(label = "Load size", persist = false,
			description = "Scale images so their shorter side has this many pixels before cropping (0: no scaling)")
	private int load_size = DEFAULTS.loadSize;

	@Parameter(label = "Learning rate", persist = false, description = "Initial Adam learning rate")
	private double lr = DEFAULTS.lr;

	@Parameter(label = "Cycle weight A (lambda_a)", persist = false, description = "Weight of the cycle loss A -> B -> A")
	private double lambda_a = DEFAULTS.lambdaA;

	@Parameter(label = "Cycle weight B (lambda_b)", persist = false, description = "Weight of the cycle loss B -> A -> B")
	private double lambda_b = DEFAULTS.lambdaB;

	@Parameter(label = "Identity weight (lambda_identity)", persist = false,
			description = "Weight of the identity loss relative to the cycle weights (0 switches it off; needs equal channels)")
	private double lambda_identity = DEFAULTS.lambdaIdentity;

	@Parameter(label = "Domain A normalisation", persist = false, description = "percentile[:low:high], fixed:min:max or none")
	private String normalization_a = DEFAULTS.normalizationA;

	@Parameter(label = "Domain B normalisation", persist = false, description = "percentile[:low:high], fixed:min:max or none")
	private String normalization_b = DEFAULTS.normalizationB;

	@Parameter(label = "Random seed", persist = false, description = "The same seed and data repeat a run")
	private long seed = DEFAULTS.seed;

	@Parameter(visibility = ItemVisibility.MESSAGE, required = false, persist = false)
	private String advanced_heading = "Advanced options";

	@Parameter(label = "Normalisation layers", choices = { "instance", "batch", "none" }, persist = false)
	private String norm = DEFAULTS.norm;

	@Parameter(label = "Dropout", persist = false, description = "Dropout rate in the generators' residual blocks (0 switches it off)")
	private double dropout = DEFAULTS.dropout;

	@Parameter(label = "Discriminator", choices = { "basic", "n_layers", "pixel" }, persist = false,
			description = "basic (70x70 PatchGAN), n_layers (PatchGAN of n_layers_d layers) or pixel")
	private String discriminator = DEFAULTS.discriminator;

	@Parameter(label = "Discriminator layers (n_layers_d)", persist = false)
	private int n_layers_d = DEFAULTS.nLayersD;

	@Parameter(label = "Discriminator filters (ndf)", persist = false)
	private int ndf = DEFAULTS.ndf;

	@Parameter(label = "GAN loss", choices = { "lsgan", "vanilla" }, persist = false)
	private String gan_loss = DEFAULTS.ganLoss;

	@Parameter(label = "Adam beta1", persist = false)
	private double beta1 = DEFAULTS.beta1;

	@Parameter(label = "Adam beta2", persist = false)
	private double beta2 = DEFAULTS.beta2;

	@Parameter(label = "Batch size", persist = false, description = "Patches per iteration")
	private int batch_size = DEFAULTS.batchSize;

	@Parameter(label = "Image pool size", persist = false,
			description = "Generated images kept for the discriminators' updates (0 switches the pool off)")
	private int pool_size = DEFAULTS.poolSize;

	@Parameter(label = "Mirror patches at random (flip)", persist = false)
	private boolean flip = DEFAULTS.flip;

	@Parameter(label = "Checkpoint every N iterations", persist = false, description = "0: after every epoch only")
	private int checkpoint_every = 0;

	@Override
	public List<String> unusedInputs() {
		return unused(domain_a, domain_b, "domain_a", "domain_b", domain_a_folder, domain_b_folder, "domain_a_folder", "domain_b_folder");
	}

	@Override
	protected void execute() throws IOException {
		boolean folders = useFolders(domain_a_folder, "domain_a_folder", domain_b_folder, "domain_b_folder");
		if (!folders) {
			requireImage(domain_a, "domain_a", "domain_a_folder and domain_b_folder");
			requireImage(domain_b, "domain_b", "domain_a_folder and domain_b_folder");
		}
		CycleGanOptions given = new CycleGanOptions();
		OptionFields.copy(this, given);
		TrainingRun run = plan(model_file, given, resume, overwrite);
		CycleGanOptions options = (CycleGanOptions) run.options();
		UnpairedTrainingData data = folders
				? TrainingSets.unpaired(domain_a_folder.toPath(), domain_b_folder.toPath(), options)
				: TrainingSets.unpaired(domain_a, domain_b, options);
		report("Domain A: " + data.domainA().size() + " images, domain B: " + data.domainB().size() + " images");
		CycleGanTrainer trainer = run.cycleGan(data);
		train(run, trainer, run::preview, checkpoint_every);
	}
}
