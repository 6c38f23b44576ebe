package io.github.imagetranslation.imagej;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import ij.ImagePlus;
import io.github.imagetranslation.engine.data.DomainImages;
import io.github.imagetranslation.engine.data.ImagePair;
import io.github.imagetranslation.engine.data.PairedTrainingData;
import io.github.imagetranslation.engine.data.UnpairedTrainingData;
import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.Resampling;
import io.github.imagetranslation.engine.image.SampleType;
import io.github.imagetranslation.engine.norm.NormalizationRule;
import io.github.imagetranslation.engine.train.CycleGanOptions;
import io.github.imagetranslation.engine.train.Pix2PixOptions;

/**
 * Builds training sets from what users have: two folders of images matched by file name, two image files or
 * open stacks matched slice by slice (one large image pair is the one-slice case, cut into random crops),
 * or, for CycleGAN, one folder, file or open stack per domain.
 */
public final class TrainingSets {

	private TrainingSets() {}

	/** Planes of one source with names and the sample type of the first. */
	private static final class Planes {
		final List<FloatImage> images = new ArrayList<>();
		final List<String> names = new ArrayList<>();
		SampleType type;

		void add(ImagePlus image, String name) {
			List<FloatImage> planes = PlaneConverter.toFloatImages(image, true);
			if (type == null) type = PlaneConverter.sampleType(image);
			for (int i = 0; i < planes.size(); i++) {
				images.add(planes.get(i));
				names.add(planes.size() == 1 ? name : name + " slice " + (i + 1));
			}
		}
	}

	/**
	 * Paired data from two folders (files matched by name; unmatched files are reported to {@code warnings})
	 * or two image files (slices matched by index).
	 */
	public static PairedTrainingData paired(Path input, Path target, Pix2PixOptions options, Consumer<String> warnings)
			throws ImageFileException {
		boolean inputIsFolder = Files.isDirectory(input), targetIsFolder = Files.isDirectory(target);
		if (inputIsFolder != targetIsFolder)
			throw new IncompatibleImageException("Input and target must both be folders or both be image files; "
					+ (inputIsFolder ? input : target) + " is a folder but " + (inputIsFolder ? target : input) + " is not");
		List<ImagePair> pairs = new ArrayList<>();
		SampleType[] types = new SampleType[2];
		if (inputIsFolder) {
			FolderPairing pairing = ImageFolders.pair(input, target);
			for (Path p : pairing.unmatchedInputs())
				warnings.accept("No target for " + input.relativize(p) + " in " + target + "; skipped");
			for (Path p : pairing.unmatchedTargets())
				warnings.accept("No input for " + target.relativize(p) + " in " + input + "; skipped");
			for (FilePair pair : pairing.pairs())
				addPairs(pairs, types, ImageFileReader.open(pair.input()), ImageFileReader.open(pair.target()),
						input.relativize(pair.input()).toString());
		} else {
			addPairs(pairs, types, ImageFileReader.open(input), ImageFileReader.open(target), input.getFileName().toString());
		}
		return paired(pairs, types[0], types[1], options);
	}

	/** Paired data from two open images or stacks, slice i of the input with slice i of the target. */
	public static PairedTrainingData paired(ImagePlus input, ImagePlus target, Pix2PixOptions options) {
		List<ImagePair> pairs = new ArrayList<>();
		SampleType[] types = new SampleType[2];
		addPairs(pairs, types, input, target, input.getTitle());
		return paired(pairs, types[0], types[1], options);
	}

	private static PairedTrainingData paired(List<ImagePair> pairs, SampleType in, SampleType tg, Pix2PixOptions o) {
		List<FloatImage> inputs = new ArrayList<>(), targets = new ArrayList<>();
		for (ImagePair p : pairs) {
			inputs.add(p.input());
			targets.add(p.target());
		}
		inputs = colourWhereNeeded(inputs);
		targets = colourWhereNeeded(targets);
		List<ImagePair> harmonized = new ArrayList<>();
		for (int i = 0; i < pairs.size(); i++)
			harmonized.add(new ImagePair(pairs.get(i).name(), inputs.get(i), targets.get(i)));
		return new PairedTrainingData(harmonized, in, tg, NormalizationRule.parse(o.inputNormalization),
				NormalizationRule.parse(o.targetNormalization), o.patchSize);
	}

	/**
	 * Grey images among colour ones as colour (a folder of photos often holds a few grey ones, which are read as
	 * one channel); any other mixture of channel counts is left for the training data to report.
	 */
	static List<FloatImage> colourWhereNeeded(List<FloatImage> images) {
		boolean grey = false, colour = false;
		for (FloatImage f : images) {
			grey |= f.channels() == 1;
			colour |= f.channels() == 3;
		}
		if (!grey || !colour) return images;
		List<FloatImage> out = new ArrayList<>();
		for (FloatImage f : images)
			out.add(f.channels() == 1 ? f.repeatChannels(3) : f);
		return out;
	}

	private static void addPairs(List<ImagePair> pairs, SampleType[] types, ImagePlus input, ImagePlus target, String name) {
		SlicePairs slices = SlicePairs.of(input, target, true);
		if (types[0] == null) {
			types[0] = PlaneConverter.sampleType(input);
			types[1] = PlaneConverter.sampleType(target);
		}
		for (int i = 0; i < slices.size(); i++)
			pairs.add(new ImagePair(slices.size() == 1 ? name : name + " slice " + (i + 1), slices.input(i), slices.target(i)));
	}

	/** Unpaired data: each domain a folder of images or one image file (each slice one sample). */
	public static UnpairedTrainingData unpaired(Path domainA, Path domainB, CycleGanOptions options) throws ImageFileException {
		return unpaired(read(domainA), read(domainB), options);
	}

	/** Unpaired data from two open images or stacks (each slice one sample). */
	public static UnpairedTrainingData unpaired(ImagePlus domainA, ImagePlus domainB, CycleGanOptions options) {
		Planes a = new Planes(), b = new Planes();
		a.add(domainA, domainA.getTitle());
		b.add(domainB, domainB.getTitle());
		return unpaired(a, b, options);
	}

	private static Planes read(Path source) throws ImageFileException {
		Planes planes = new Planes();
		if (Files.isDirectory(source)) {
			for (Path file : ImageFolders.list(source))
				planes.add(ImageFileReader.open(file), source.relativize(file).toString());
		} else {
			planes.add(ImageFileReader.open(source), source.getFileName().toString());
		}
		return planes;
	}

	private static UnpairedTrainingData unpaired(Planes a, Planes b, CycleGanOptions o) {
		return new UnpairedTrainingData(domain("domain A", a, o.normalizationA, o), domain("domain B", b, o.normalizationB, o),
				o.patchSize);
	}

	private static DomainImages domain(String name, Planes planes, String rule, CycleGanOptions o) {
		List<FloatImage> images = colourWhereNeeded(planes.images);
		if (o.loadSize > 0) {
			List<FloatImage> resized = new ArrayList<>();
			for (FloatImage f : images)
				resized.add(Resampling.resizeShorterSide(f, o.loadSize));
			images = resized;
		}
		return new DomainImages(name, images, planes.names, planes.type, NormalizationRule.parse(rule), o.patchSize);
	}
}
