package io.github.imagetranslation.engine.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.SampleType;
import io.github.imagetranslation.engine.norm.IntensityRange;
import io.github.imagetranslation.engine.norm.NormalizationRule;

/**
 * The training images of one domain, each normalised to [-1, 1] by the domain's rule, with the median of
 * their measured ranges (the "typical" range that translated images are brought back to) and the sample type
 * they were read as. All images must have the same channel count and be at least one patch in size.
 */
public final class DomainImages {

	private final String domain;
	private final List<FloatImage> normalized = new ArrayList<>();
	private final int channels;
	private final SampleType sampleType;
	private final NormalizationRule rule;
	private final IntensityRange typicalRange;

	/**
	 * @param domain name for messages ("input", "target", "A", "B")
	 * @param names  one name per image for messages (file name, slice)
	 */
	public DomainImages(String domain, List<FloatImage> images, List<String> names, SampleType sampleType,
			NormalizationRule rule, int patchSize) {
		if (images.isEmpty()) throw new IllegalArgumentException("No " + domain + " images to train on");
		if (names.size() != images.size()) throw new IllegalArgumentException("One name per image is needed");
		this.domain = domain;
		this.sampleType = sampleType;
		this.rule = rule;
		channels = images.get(0).channels();
		List<IntensityRange> ranges = new ArrayList<>();
		for (int i = 0; i < images.size(); i++) {
			FloatImage image = images.get(i);
			if (image.channels() != channels)
				throw new IllegalArgumentException(capitalized(domain) + " image " + names.get(i) + " has " + image.channels()
						+ " channels but " + names.get(0) + " has " + channels + "; all " + domain + " images must have the same channels");
			if (image.height() < patchSize || image.width() < patchSize)
				throw new IllegalArgumentException(capitalized(domain) + " image " + names.get(i) + " is " + image.width() + "x"
						+ image.height() + ", smaller than the patch size " + patchSize + "; use a smaller patch_size or larger images");
			IntensityRange range = rule.measure(image);
			ranges.add(range);
			normalized.add(range.normalize(image));
		}
		typicalRange = IntensityRange.median(ranges);
	}

	private static String capitalized(String s) {
		return Character.toUpperCase(s.charAt(0)) + s.substring(1);
	}

	public String domain() { return domain; }

	public int size() { return normalized.size(); }

	public int channels() { return channels; }

	public SampleType sampleType() { return sampleType; }

	public NormalizationRule rule() { return rule; }

	/** Median of the images' measured ranges. */
	public IntensityRange typicalRange() { return typicalRange; }

	public FloatImage get(int index) { return normalized.get(index); }

	public List<FloatImage> all() { return Collections.unmodifiableList(normalized); }

	/** {height, width} of every image, for a {@link PatchSampler}. */
	public List<int[]> sizes() {
		List<int[]> out = new ArrayList<>();
		for (FloatImage f : normalized)
			out.add(new int[] { f.height(), f.width() });
		return out;
	}
}
