#@ File (label = "Model file (.zip)", style = "open") model_file
#@ File (label = "Folder of images to translate", style = "directory") input_folder
#@ File (label = "Output folder (outside the input folder)", style = "directory") output_folder
#@ String (label = "File pattern", value = "*.tif") pattern

// Translates every image of a folder with a model trained by Image Translation. Outputs keep the inputs'
// names (as TIFF) and bit depth; existing outputs are skipped, so running it again finishes an interrupted
// batch. Progress ("i of n") and a summary go to the status bar and the Log window.
// Without a display: ImageJ-linux64 --headless --run Translate_Folder.ijm "model_file='t1pd.zip',input_folder='new-t1',output_folder='new-pd',pattern='*.png'"

run("Translate Folder", "input_folder=[" + input_folder + "] output_folder=[" + output_folder + "] model_file=[" + model_file + "]"
	+ " pattern=[" + pattern + "] recursive=false overwrite=false direction=A2B output_type=same format=tif write_into_input=false tile_size=0");
