package io.github.imagetranslation.imagej;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Test images: the real crops under src/test/resources (see NOTICE.md) and an independent decoder, Java's
 * ImageIO used directly, to compute expected pixel values without the code under test.
 */
final class TestImages {

	/** 64x64 crop of fluo-16bit/img2d.tif, 16-bit, uncompressed ImageJ TIFF. */
	static final String FLUO16 = "fluo16-crop.tif";
	/** 4-slice 64x64 crop of fluo-nuclei-cells/nuclei.tif, 8-bit, uncompressed ImageJ TIFF. */
	static final String NUCLEI = "nuclei-crop.tif";
	/** The same 4 slices as {@link #NUCLEI}, written by Java's TIFF writer with JPEG compression (quality 0.95). */
	static final String NUCLEI_JPEG = "nuclei-crop-jpeg.tif";
	/** mri-t1-pd/BrainProtonDensitySlice.png unchanged: 181x217, palette-indexed grey. */
	static final String BRAIN_PD = "brain-pd.png";
	/** 64x64 crop of mri-t1-pd/BrainT1Slice.png, stored as RGB with equal channels. */
	static final String BRAIN_T1 = "brain-t1-crop.png";
	/** 64x48 crop of histology/histo.jpg, as lossless PNG. */
	static final String HISTO_PNG = "histo-crop.png";
	/** The same crop as {@link #HISTO_PNG}, as JPEG. */
	static final String HISTO_JPEG = "histo-crop.jpg";

	private TestImages() {}

	/** Makes AWT headless, as on a server without a display; test classes call it before any image work. */
	static void headless() {
		System.setProperty("java.awt.headless", "true");
	}

	static Path resource(String name) {
		URL url = TestImages.class.getResource(name);
		if (url == null) throw new IllegalStateException("Missing test resource " + name);
		try {
			return Paths.get(url.toURI());
		} catch (URISyntaxException e) {
			throw new IllegalStateException(e);
		}
	}

	/** Every page of a file, decoded by ImageIO. */
	static List<BufferedImage> decodeAll(Path file) throws IOException {
		List<BufferedImage> pages = new ArrayList<>();
		try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
			ImageReader reader = ImageIO.getImageReaders(in).next();
			reader.setInput(in);
			int n = reader.getNumImages(true);
			for (int i = 0; i < n; i++) pages.add(reader.read(i));
			reader.dispose();
		}
		return pages;
	}

	/** Band {@code band} of a decoded image's raster (the stored samples, palette indices for palette images). */
	static int[] samples(BufferedImage image, int band) {
		return image.getRaster().getSamples(0, 0, image.getWidth(), image.getHeight(), band, (int[]) null);
	}
}
