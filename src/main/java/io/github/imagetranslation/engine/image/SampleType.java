package io.github.imagetranslation.engine.image;

/**
 * The numeric type of an image's samples as it was read, so that a translated image can be written back in
 * the same type and range (a 16-bit input gives a 16-bit output).
 */
public enum SampleType {
	UINT8(0, 255),
	UINT16(0, 65535),
	FLOAT32(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);

	private final float min;
	private final float max;

	SampleType(float min, float max) {
		this.min = min;
		this.max = max;
	}

	/** Smallest representable sample value. */
	public float min() { return min; }

	/** Largest representable sample value. */
	public float max() { return max; }

	/** Rounds and clamps {@code v} to this type's range; float samples pass unchanged. */
	public float represent(float v) {
		if (this == FLOAT32) return v;
		if (Float.isNaN(v)) return min;
		return Math.max(min, Math.min(max, Math.round(v)));
	}

	/** Bit depth in ImageJ's terms (8, 16 or 32). */
	public int bitDepth() {
		switch (this) {
			case UINT8: return 8;
			case UINT16: return 16;
			default: return 32;
		}
	}
}
