package io.github.imagetranslation.engine.data;

import java.util.ArrayList;
import java.util.List;

import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.image.SampleType;
import io.github.imagetranslation.engine.norm.NormalizationRule;
import io.github.imagetranslation.engine.random.SplitMix64;

/**
 * Aligned input/target pairs ready for pix2pix training, served as random aligned patches (the same window
 * and the same mirroring in input and target). Pairs may come from two folders, two stacks or one large
 * image pair.
 */
public final class PairedTrainingData {

	private final DomainImages inputs;
	private final DomainImages targets;
	private final int patchSize;
	private final PatchSampler sampler;

	/**
	 * @param inputType sample type the inputs were read as (recorded in the model)
	 * @param targetType sample type the targets were read as; translated images are written in it by default
	 */
	public PairedTrainingData(List<ImagePair> pairs, SampleType inputType, SampleType targetType,
			NormalizationRule inputRule, NormalizationRule targetRule, int patchSize) {
		if (pairs.isEmpty()) throw new IllegalArgumentException("No image pairs to train on");
		if (patchSize < 1) throw new IllegalArgumentException("Patch size must be positive, got " + patchSize);
		List<FloatImage> in = new ArrayList<>(), tg = new ArrayList<>();
		List<String> names = new ArrayList<>();
		for (ImagePair p : pairs) {
			in.add(p.input());
			tg.add(p.target());
			names.add(p.name());
		}
		this.patchSize = patchSize;
		inputs = new DomainImages("input", in, names, inputType, inputRule, patchSize);
		targets = new DomainImages("target", tg, names, targetType, targetRule, patchSize);
		sampler = new PatchSampler(inputs.sizes(), patchSize);
	}

	public DomainImages inputs() { return inputs; }

	public DomainImages targets() { return targets; }

	public int patchSize() { return patchSize; }

	/** Number of pairs. */
	public int size() { return inputs.size(); }

	public PatchSampler sampler() { return sampler; }

	/**
	 * Fills {@code inputBatch} and {@code targetBatch} (NCHW, {@code batch} patches) with the next patches of
	 * the epoch, each mirrored left-right with probability 1/2 when {@code flip} is set.
	 */
	public void nextBatch(SplitMix64 random, boolean flip, int batch, float[] inputBatch, float[] targetBatch) {
		int inSize = inputs.channels() * patchSize * patchSize;
		int tgSize = targets.channels() * patchSize * patchSize;
		for (int b = 0; b < batch; b++) {
			int i = sampler.next(random);
			FloatImage in = inputs.get(i), tg = targets.get(i);
			int[] corner = PatchSampler.randomCorner(random, in.height(), in.width(), patchSize);
			boolean mirror = flip && random.nextBoolean();
			PatchSampler.copyPatch(in, corner, patchSize, mirror, inputBatch, b * inSize);
			PatchSampler.copyPatch(tg, corner, patchSize, mirror, targetBatch, b * tgSize);
		}
	}
}
