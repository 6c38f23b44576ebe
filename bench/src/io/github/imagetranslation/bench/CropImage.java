package io.github.imagetranslation.bench;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import ij.ImagePlus;
import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.imagej.ImageFileReader;
import io.github.imagetranslation.imagej.ImageFileWriter;
import io.github.imagetranslation.imagej.PlaneConverter;

/**
 * Cuts a rectangle out of every plane of an image file, for preparing experiment data.
 * Usage: CropImage IN OUT X Y WIDTH HEIGHT (width or height 0: to the edge).
 */
public final class CropImage {

	public static void main(String[] args) throws Exception {
		ImagePlus image = ImageFileReader.open(Paths.get(args[0]));
		int x = Integer.parseInt(args[2]), y = Integer.parseInt(args[3]);
		int w = Integer.parseInt(args[4]), h = Integer.parseInt(args[5]);
		if (w == 0) w = image.getWidth() - x;
		if (h == 0) h = image.getHeight() - y;
		List<FloatImage> out = new ArrayList<>();
		for (FloatImage plane : PlaneConverter.toFloatImages(image, true))
			out.add(plane.crop(x, y, w, h));
		ImageFileWriter.write(out, PlaneConverter.sampleType(image), Paths.get(args[1]));
	}
}
