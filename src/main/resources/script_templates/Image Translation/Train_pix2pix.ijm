#@ File (label = "Folder of input images", style = "directory") input_folder
#@ File (label = "Folder of target images (same file names)", style = "directory") target_folder
#@ File (label = "Model to write (.zip)", style = "save") model_file
#@ Integer (label = "Epochs", value = 20) epochs

// Trains a small pix2pix model on image pairs matched by file name, then shows what the model holds.
// Every key is given, so Fiji asks for nothing; the keys are the parameter names of
// Plugins > Image Translation > Train pix2pix (the macro recorder writes them all).
// Without a display: ImageJ-linux64 --headless --run Train_pix2pix.ijm "input_folder='t1',target_folder='pd',model_file='t1pd.zip',epochs=20"
// Stop early with the "Stop training" button: the model and a checkpoint are saved; resume=true continues.

run("Train pix2pix", "input_folder=[" + input_folder + "] target_folder=[" + target_folder + "] model_file=[" + model_file + "]"
	+ " resume=false overwrite=false"
	+ " generator=unet_128 ngf=32 n_epochs=" + epochs + " n_epochs_decay=" + epochs + " patch_size=128 lr=0.0002"
	+ " lambda_l1=100 input_normalization=percentile:1:99.8 target_normalization=percentile:1:99.8 seed=42"
	+ " norm=batch dropout=0.5 discriminator=basic n_layers_d=3 ndf=32 gan_loss=vanilla beta1=0.5 beta2=0.999"
	+ " batch_size=1 flip=true checkpoint_every=0");
run("Model Info", "model_file=[" + model_file + "]");
