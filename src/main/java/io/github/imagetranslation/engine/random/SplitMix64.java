package io.github.imagetranslation.engine.random;

/**
 * A small, fast, seedable random number generator (Steele, Lea and Flood's SplitMix64) whose whole state is
 * one {@code long}. Training draws every random choice (weight initialisation, crops, flips, dropout masks,
 * image-pool decisions) from instances of this class so that a run is repeatable from its seed and a saved
 * training state resumes exactly.
 */
public final class SplitMix64 {

	private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

	private long state;

	public SplitMix64(long seed) {
		this.state = seed;
	}

	/** The complete state; {@code new SplitMix64(0).setState(s)} continues the sequence exactly. */
	public long state() { return state; }

	public void setState(long state) { this.state = state; }

	public long nextLong() {
		long z = (state += GOLDEN_GAMMA);
		z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
		z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
		return z ^ (z >>> 31);
	}

	/** Uniform in {@code [0, bound)}. */
	public int nextInt(int bound) {
		if (bound <= 0) throw new IllegalArgumentException("bound must be positive: " + bound);
		return (int) Math.floorMod(nextLong() >>> 1, (long) bound);
	}

	/** Uniform in {@code [0, 1)} with 53 random bits. */
	public double nextDouble() {
		return (nextLong() >>> 11) * 0x1.0p-53;
	}

	/** Uniform in {@code [0, 1)} with 24 random bits. */
	public float nextFloat() {
		return (nextLong() >>> 40) * 0x1.0p-24f;
	}

	public boolean nextBoolean() {
		return nextLong() < 0;
	}

	/** Standard normal by the Marsaglia polar method (the spare value is discarded to keep the state one long). */
	public double nextGaussian() {
		double u, v, s;
		do {
			u = 2 * nextDouble() - 1;
			v = 2 * nextDouble() - 1;
			s = u * u + v * v;
		} while (s >= 1 || s == 0);
		return u * Math.sqrt(-2 * Math.log(s) / s);
	}

	/** An independent generator derived from this one (advances this one by one step). */
	public SplitMix64 split() {
		return new SplitMix64(nextLong());
	}
}
