package io.github.imagetranslation.engine.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.SampleType;
import io.github.imagetranslation.engine.norm.IntensityRange;
import io.github.imagetranslation.engine.norm.NormalizationRule;
import io.github.imagetranslation.engine.random.SplitMix64;

/**
 * Aligned input/target pairs ready for pix2pix training: every image normalised to [-1, 1] by its rule,
 * then served as random aligned patches (the same window and the same mirroring in input and target).
 * Pairs may come from two folders, two stacks or one large image pair; all must have the same channel counts
 * and be at least one patch in size. The targets' typical intensity range is kept so that translated images
 * can be brought back to the target's range.
 */
public final class PairedTrainingData {

	private final List<ImagePair> normalized = new ArrayList<>();
	private final int inputChannels;
	private final int targetChannels;
	private final int patchSize;
	private final IntensityRange typicalInputRange;
	private final IntensityRange typicalTargetRange;
	private final PatchSampler sampler;
	private final SampleType inputType;
	private final SampleType targetType;

	/**
	 * @param inputType sample type the inputs were read as (recorded in the model)
	 * @param targetType sample type the targets were read as; translated images are written in it by default
	 */
	public PairedTrainingData(List<ImagePair> pairs, SampleType inputType, SampleType targetType,
			NormalizationRule inputRule, NormalizationRule targetRule, int patchSize) {
		this.inputType = inputType;
		this.targetType = targetType;
		if (pairs.isEmpty()) throw new IllegalArgumentException("No image pairs to train on");
		if (patchSize < 1) throw new IllegalArgumentException("Patch size must be positive, got " + patchSize);
		this.patchSize = patchSize;
		inputChannels = pairs.get(0).input().channels();
		targetChannels = pairs.get(0).target().channels();
		List<IntensityRange> inputRanges = new ArrayList<>();
		List<IntensityRange> targetRanges = new ArrayList<>();
		List<int[]> sizes = new ArrayList<>();
		for (ImagePair p : pairs) {
			FloatImage in = p.input(), tg = p.target();
			if (in.channels() != inputChannels || tg.channels() != targetChannels)
				throw new IllegalArgumentException("Pair " + p.name() + " has " + in.channels() + " -> " + tg.channels()
						+ " channels but the first pair has " + inputChannels + " -> " + targetChannels + "; all pairs must match");
			if (in.height() < patchSize || in.width() < patchSize)
				throw new IllegalArgumentException("Pair " + p.name() + " is " + in.width() + "x" + in.height()
						+ ", smaller than the patch size " + patchSize + "; use a smaller patch_size or larger images");
			IntensityRange inRange = inputRule.measure(in);
			IntensityRange tgRange = targetRule.measure(tg);
			inputRanges.add(inRange);
			targetRanges.add(tgRange);
			normalized.add(new ImagePair(p.name(), inRange.normalize(in), tgRange.normalize(tg)));
			sizes.add(new int[] { in.height(), in.width() });
		}
		typicalInputRange = IntensityRange.median(inputRanges);
		typicalTargetRange = IntensityRange.median(targetRanges);
		sampler = new PatchSampler(sizes, patchSize);
	}

	public int inputChannels() { return inputChannels; }

	public SampleType inputSampleType() { return inputType; }

	public SampleType targetSampleType() { return targetType; }

	public int targetChannels() { return targetChannels; }

	public int patchSize() { return patchSize; }

	/** Number of pairs. */
	public int size() { return normalized.size(); }

	/** The normalised pairs. */
	public List<ImagePair> normalizedPairs() { return Collections.unmodifiableList(normalized); }

	/** Median of the inputs' measured ranges. */
	public IntensityRange typicalInputRange() { return typicalInputRange; }

	/** Median of the targets' measured ranges: how translated images are brought back to intensities. */
	public IntensityRange typicalTargetRange() { return typicalTargetRange; }

	public PatchSampler sampler() { return sampler; }

	/**
	 * Fills {@code inputs} and {@code targets} (NCHW, {@code batch} patches) with the next patches of the
	 * epoch, each mirrored left-right with probability 1/2 when {@code flip} is set.
	 */
	public void nextBatch(SplitMix64 random, boolean flip, int batch, float[] inputs, float[] targets) {
		int inSize = inputChannels * patchSize * patchSize;
		int tgSize = targetChannels * patchSize * patchSize;
		for (int b = 0; b < batch; b++) {
			ImagePair p = normalized.get(sampler.next(random));
			int[] corner = PatchSampler.randomCorner(random, p.input().height(), p.input().width(), patchSize);
			boolean mirror = flip && random.nextBoolean();
			PatchSampler.copyPatch(p.input(), corner, patchSize, mirror, inputs, b * inSize);
			PatchSampler.copyPatch(p.target(), corner, patchSize, mirror, targets, b * tgSize);
		}
	}
}
