package io.github.imagetranslation.engine.nn;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Architecture of a generator: a U-Net (pix2pix) or a ResNet (CycleGAN) with its width, depth, normalisation,
 * dropout and channel counts. Stored in model files, so it is a plain value that JSON can hold.
 */
public final class GeneratorSpec {

	/** The two generator families of the reference implementation. */
	public enum Architecture { UNET, RESNET }

	private static final Pattern UNET_NAME = Pattern.compile("unet_(\\d+)");
	private static final Pattern RESNET_NAME = Pattern.compile("resnet_(\\d+)(blocks)?");

	private final Architecture architecture;
	private final int depth;
	private final int ngf;
	private final NormType norm;
	private final double dropout;
	private final int inChannels;
	private final int outChannels;

	/**
	 * @param depth number of down-samplings (U-Net) or residual blocks (ResNet)
	 * @param ngf filters of the first layer
	 * @param dropout dropout rate in the inner decoder blocks (U-Net) or residual blocks (ResNet); 0 for none
	 */
	public GeneratorSpec(Architecture architecture, int depth, int ngf, NormType norm, double dropout, int inChannels,
			int outChannels) {
		if (architecture == Architecture.UNET && depth < 5)
			throw new IllegalArgumentException("A U-Net needs at least 5 down-samplings (unet_32), got " + depth);
		if (architecture == Architecture.RESNET && depth < 1)
			throw new IllegalArgumentException("A ResNet generator needs at least one residual block, got " + depth);
		if (ngf < 1) throw new IllegalArgumentException("ngf must be positive, got " + ngf);
		if (dropout < 0 || dropout >= 1) throw new IllegalArgumentException("Dropout must be in [0, 1), got " + dropout);
		if (inChannels < 1 || outChannels < 1)
			throw new IllegalArgumentException("Channel counts must be positive, got " + inChannels + " -> " + outChannels);
		this.architecture = architecture;
		this.depth = depth;
		this.ngf = ngf;
		this.norm = norm;
		this.dropout = dropout;
		this.inChannels = inChannels;
		this.outChannels = outChannels;
	}

	/**
	 * A generator from the reference implementation's names: {@code unet_128} (7 down-samplings),
	 * {@code unet_256} (8), any {@code unet_<2^n>}, {@code resnet_6blocks}, {@code resnet_9blocks}, or any
	 * {@code resnet_<n>blocks}.
	 */
	public static GeneratorSpec named(String name, int ngf, NormType norm, double dropout, int inChannels,
			int outChannels) {
		String n = name.trim().toLowerCase(Locale.ROOT);
		Matcher m = UNET_NAME.matcher(n);
		if (m.matches()) {
			int size = Integer.parseInt(m.group(1));
			if (Integer.bitCount(size) != 1 || size < 32)
				throw new IllegalArgumentException("U-Net size must be a power of two of at least 32, got " + name);
			return new GeneratorSpec(Architecture.UNET, Integer.numberOfTrailingZeros(size), ngf, norm, dropout, inChannels,
					outChannels);
		}
		m = RESNET_NAME.matcher(n);
		if (m.matches())
			return new GeneratorSpec(Architecture.RESNET, Integer.parseInt(m.group(1)), ngf, norm, dropout, inChannels,
					outChannels);
		throw new IllegalArgumentException("Unknown generator '" + name + "': use unet_128, unet_256, resnet_6blocks or resnet_9blocks");
	}

	/**
	 * This spec after the constructor's checks, for one read from a file (JSON readers bypass constructors).
	 *
	 * @throws IllegalArgumentException naming what is wrong
	 */
	public GeneratorSpec checked() {
		if (architecture == null || norm == null)
			throw new IllegalArgumentException("generator lacks its architecture or normalisation");
		return new GeneratorSpec(architecture, depth, ngf, norm, dropout, inChannels, outChannels);
	}

	public Architecture architecture() { return architecture; }

	/** Down-samplings of a U-Net, residual blocks of a ResNet. */
	public int depth() { return depth; }

	public int ngf() { return ngf; }

	public NormType norm() { return norm; }

	public double dropout() { return dropout; }

	public int inChannels() { return inChannels; }

	public int outChannels() { return outChannels; }

	/** The reference implementation's name for this architecture, e.g. {@code unet_128}. */
	public String name() {
		return architecture == Architecture.UNET ? "unet_" + (1 << depth) : "resnet_" + depth + "blocks";
	}

	/** Height and width of an input must be a multiple of this. */
	public int sizeMultiple() {
		return architecture == Architecture.UNET ? 1 << depth : 4;
	}

	/**
	 * Builds the generator on {@code input} ({@code [N, inChannels, size, size]}) and returns its output in
	 * [-1, 1]. {@code batch} and {@code size} give the dropout masks' shapes (and the ResNet's reflection padding its
	 * plane sizes, for a lean gradient) and are ignored when the builder is not for training.
	 */
	public <T> T build(Layers<T> layers, String prefix, T input, long batch, long size) {
		Layers<T> l = layers.withNorm(norm);
		return architecture == Architecture.UNET
				? UnetGenerator.build(this, l, prefix, input, batch, size)
				: ResnetGenerator.build(this, l, prefix, input, batch, size);
	}

	@Override
	public String toString() {
		return name() + " (ngf " + ngf + ", " + norm.name().toLowerCase(Locale.ROOT) + " norm, dropout " + dropout + ", "
				+ inChannels + " -> " + outChannels + " channels)";
	}
}
