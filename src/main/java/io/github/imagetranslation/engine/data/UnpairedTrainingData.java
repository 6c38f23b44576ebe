package io.github.imagetranslation.engine.data;

import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.random.SplitMix64;

/**
 * Two unpaired image domains for CycleGAN training. Each domain is visited in its own shuffled order, so
 * domains may differ in size and count; an epoch lasts as long as the larger domain's (as in the reference
 * implementation, whose dataset length is the larger of the two).
 */
public final class UnpairedTrainingData {

	private final DomainImages a;
	private final DomainImages b;
	private final int patchSize;
	private final PatchSampler samplerA;
	private final PatchSampler samplerB;

	public UnpairedTrainingData(DomainImages a, DomainImages b, int patchSize) {
		this.a = a;
		this.b = b;
		this.patchSize = patchSize;
		samplerA = new PatchSampler(a.sizes(), patchSize);
		samplerB = new PatchSampler(b.sizes(), patchSize);
	}

	public DomainImages domainA() { return a; }

	public DomainImages domainB() { return b; }

	public int patchSize() { return patchSize; }

	public int epochLength() {
		return Math.max(samplerA.epochLength(), samplerB.epochLength());
	}

	/** Next patches of both domains (NCHW), each mirrored with probability 1/2 when {@code flip} is set. */
	public void nextBatch(SplitMix64 random, boolean flip, int batch, float[] batchA, float[] batchB) {
		fill(a, samplerA, random, flip, batch, batchA);
		fill(b, samplerB, random, flip, batch, batchB);
	}

	private void fill(DomainImages domain, PatchSampler sampler, SplitMix64 random, boolean flip, int batch, float[] dest) {
		int size = domain.channels() * patchSize * patchSize;
		for (int n = 0; n < batch; n++) {
			FloatImage image = domain.get(sampler.next(random));
			int[] corner = PatchSampler.randomCorner(random, image.height(), image.width(), patchSize);
			PatchSampler.copyPatch(image, corner, patchSize, flip && random.nextBoolean(), dest, n * size);
		}
	}

	/** Both samplers' positions, for a saved training state. */
	public long[] samplerState() {
		long[] sa = samplerA.state(), sb = samplerB.state();
		if (sa == null || sb == null) return null;
		return new long[] { sa[0], sa[1], sb[0], sb[1] };
	}

	public void restoreSamplerState(long[] state) {
		samplerA.restore(state == null ? null : new long[] { state[0], state[1] });
		samplerB.restore(state == null ? null : new long[] { state[2], state[3] });
	}
}
