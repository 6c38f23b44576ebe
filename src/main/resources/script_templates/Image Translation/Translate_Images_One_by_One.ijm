#@ File (label = "Model file (.zip)", style = "open") model_file
#@ File (label = "Folder of images to translate", style = "directory") input_folder
#@ File (label = "Output folder", style = "directory") output_folder

// Translates the images of a folder one at a time, for when each result needs more processing before it is
// saved: Translate Image makes the translated image the current image, also in batch mode and headless.
// For plain batch translation, Translate Folder is simpler and skips what is done already.

setBatchMode(true);
files = getFileList(input_folder);
for (i = 0; i < files.length; i++) {
	if (endsWith(files[i], "/")) continue;
	open(input_folder + File.separator + files[i]);
	input = getTitle();
	run("Translate Image", "image=[" + input + "] model_file=[" + model_file + "] direction=A2B output_type=same tile_size=0");
	saveAs("Tiff", output_folder + File.separator + getTitle());
	close("*");
	showProgress(i + 1, files.length);
}
setBatchMode(false);
