package io.github.imagetranslation.engine.infer;

/**
 * How tiles cover one axis of the padded image: where they start, which part of the axis each one owns when
 * measuring statistics, and the weight each one gets when the tiles are blended.
 * <p>
 * Tiles have one length, start at multiples of the network's size multiple (so that each tile sees the same
 * down-sampling grid as the whole image) and are spread evenly, so that neighbours overlap by at least the
 * requested overlap. Blending weights form a partition of unity: between two neighbours the weight passes
 * from one to the other along a raised cosine ({@code sin^2}) centred on the middle of their overlap, as wide
 * as half the narrowest overlap on this axis. A tile's weight is therefore zero on the outer quarter of each
 * overlap, where it lacks context, and one wherever no neighbour reaches. With no overlap the weights are a
 * hard cut at the tile boundaries.
 */
final class TileAxis {

	private final int length;
	private final int tile;
	private final int[] starts;
	/** Centre of the transition from tile i to tile i + 1, in pixel coordinates (pixel p spans [p, p + 1)). */
	private final double[] centres;
	/** Half the width of every transition. */
	private final double halfWidth;

	/**
	 * @param length length of the padded image, a multiple of {@code multiple}
	 * @param tile length of a tile, a multiple of {@code multiple}; shortened to {@code length} if longer
	 * @param overlap least overlap between neighbours, at most {@code tile - multiple}
	 */
	TileAxis(int length, int tile, int overlap, int multiple) {
		if (length % multiple != 0 || tile % multiple != 0 || tile < multiple)
			throw new IllegalArgumentException("Length " + length + " and tile " + tile + " must be positive multiples of " + multiple);
		if (overlap < 0 || overlap > tile - multiple)
			throw new IllegalArgumentException("Overlap " + overlap + " must lie between 0 and the tile size " + tile + " minus " + multiple);
		this.length = length;
		this.tile = Math.min(tile, length);
		int span = (length - this.tile) / multiple;
		int maxStride = (this.tile - overlap) / multiple;
		int n = span == 0 ? 1 : (span + maxStride - 1) / maxStride + 1;
		starts = new int[n];
		for (int i = 1; i < n; i++)
			starts[i] = (int) ((long) i * span / (n - 1)) * multiple;
		centres = new double[n - 1];
		double narrowest = Double.POSITIVE_INFINITY;
		for (int i = 0; i < n - 1; i++) {
			int overlapStart = starts[i + 1], overlapEnd = starts[i] + this.tile;
			centres[i] = (overlapStart + overlapEnd) / 2.0;
			narrowest = Math.min(narrowest, overlapEnd - overlapStart);
		}
		halfWidth = n == 1 ? 0 : narrowest / 4;
	}

	/** Length of the padded image. */
	int length() { return length; }

	/** Length of every tile. */
	int tile() { return tile; }

	int count() { return starts.length; }

	int start(int i) { return starts[i]; }

	/**
	 * Start of the part of the axis tile {@code i} owns: the owned parts partition the axis, begin at
	 * multiples of {@code multiple}, and lie inside the tile near the middle of its overlaps.
	 */
	int ownedStart(int i, int multiple) {
		return i == 0 ? 0 : (int) Math.floor(centres[i - 1] / multiple) * multiple;
	}

	/** End (exclusive) of the part of the axis tile {@code i} owns. */
	int ownedEnd(int i, int multiple) {
		return i == starts.length - 1 ? length : ownedStart(i + 1, multiple);
	}

	/** Blending weights of tile {@code i} along its length. */
	float[] weights(int i) {
		float[] w = new float[tile];
		for (int k = 0; k < tile; k++) {
			double p = starts[i] + k + 0.5;
			double rising = i == 0 ? 1 : step(p, centres[i - 1]);
			double falling = i == starts.length - 1 ? 0 : step(p, centres[i]);
			w[k] = (float) (rising - falling);
		}
		return w;
	}

	/** Rises from 0 to 1 along sin^2 over {@code centre +- halfWidth}; a hard step when there is no overlap. */
	private double step(double p, double centre) {
		if (halfWidth == 0) return p > centre ? 1 : 0;
		double t = (p - centre + halfWidth) / (2 * halfWidth);
		if (t <= 0) return 0;
		if (t >= 1) return 1;
		double s = Math.sin(Math.PI / 2 * t);
		return s * s;
	}
}
