package io.github.imagetranslation.engine.nn;

import java.util.Locale;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Architecture of a discriminator: a PatchGAN of {@code layers} stride-2 convolutions (3 gives the 70x70
 * PatchGAN) or a 1x1 "pixel" discriminator, with LeakyReLU 0.2, as in the reference implementation. Its
 * output is one logit per patch.
 */
public final class DiscriminatorSpec {

	/** PatchGAN ("basic"/"n_layers") or per-pixel. */
	public enum Architecture { PATCH, PIXEL }

	private final Architecture architecture;
	private final int layers;
	private final int ndf;
	private final NormType norm;
	private final int inChannels;

	public DiscriminatorSpec(Architecture architecture, int layers, int ndf, NormType norm, int inChannels) {
		if (architecture == Architecture.PATCH && layers < 1)
			throw new IllegalArgumentException("A PatchGAN needs at least one layer, got " + layers);
		if (ndf < 1) throw new IllegalArgumentException("ndf must be positive, got " + ndf);
		if (inChannels < 1) throw new IllegalArgumentException("Channel count must be positive, got " + inChannels);
		this.architecture = architecture;
		this.layers = layers;
		this.ndf = ndf;
		this.norm = norm;
		this.inChannels = inChannels;
	}

	/** "basic" (70x70 PatchGAN), "n_layers" (PatchGAN of {@code layers}) or "pixel". */
	public static DiscriminatorSpec named(String name, int layers, int ndf, NormType norm, int inChannels) {
		switch (name.trim().toLowerCase(Locale.ROOT)) {
			case "basic": return new DiscriminatorSpec(Architecture.PATCH, 3, ndf, norm, inChannels);
			case "n_layers": return new DiscriminatorSpec(Architecture.PATCH, layers, ndf, norm, inChannels);
			case "pixel": return new DiscriminatorSpec(Architecture.PIXEL, 0, ndf, norm, inChannels);
			default: throw new IllegalArgumentException("Unknown discriminator '" + name + "': use basic, n_layers or pixel");
		}
	}

	/**
	 * This spec after the constructor's checks, for one read from a file (JSON readers bypass constructors).
	 *
	 * @throws IllegalArgumentException naming what is wrong
	 */
	public DiscriminatorSpec checked() {
		if (architecture == null || norm == null)
			throw new IllegalArgumentException("discriminator lacks its architecture or normalisation");
		return new DiscriminatorSpec(architecture, layers, ndf, norm, inChannels);
	}

	public Architecture architecture() { return architecture; }

	public int layers() { return layers; }

	public int ndf() { return ndf; }

	public NormType norm() { return norm; }

	public int inChannels() { return inChannels; }

	/** Builds the discriminator on {@code input} and returns its logits. */
	public SDVariable build(SameDiffLayers layers, String prefix, SDVariable input) {
		SameDiffLayers l = layers.withNorm(norm);
		boolean bias = norm.convolutionNeedsBias();
		if (architecture == Architecture.PIXEL) {
			SDVariable x = l.leakyRelu(l.conv2d(prefix + "c0", input, inChannels, ndf, 1, 1, 0, true), 0.2);
			x = l.conv2d(prefix + "c1", x, ndf, 2 * ndf, 1, 1, 0, bias);
			x = l.leakyRelu(l.norm(prefix + "c1.norm", x, 2 * ndf), 0.2);
			return l.conv2d(prefix + "c2", x, 2 * ndf, 1, 1, 1, 0, bias);
		}
		SDVariable x = l.leakyRelu(l.conv2d(prefix + "c0", input, inChannels, ndf, 4, 2, 1, true), 0.2);
		int mult = 1;
		for (int n = 1; n <= this.layers; n++) {
			int prev = mult;
			mult = Math.min(1 << n, 8);
			int stride = n < this.layers ? 2 : 1;
			x = l.conv2d(prefix + "c" + n, x, ndf * prev, ndf * mult, 4, stride, 1, bias);
			x = l.leakyRelu(l.norm(prefix + "c" + n + ".norm", x, ndf * mult), 0.2);
		}
		return l.conv2d(prefix + "out", x, ndf * mult, 1, 4, 1, 1, true);
	}

	@Override
	public String toString() {
		String kind = architecture == Architecture.PIXEL ? "pixel" : layers + "-layer PatchGAN";
		return kind + " (ndf " + ndf + ", " + norm.name().toLowerCase(Locale.ROOT) + " norm, " + inChannels + " channels)";
	}
}
