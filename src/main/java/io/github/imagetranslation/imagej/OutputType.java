package io.github.imagetranslation.imagej;

import java.util.Locale;

import io.github.imagetranslation.engine.image.SampleType;

/** Bit depth of translated images: the input's own (default), or a fixed 8, 16 or 32 bits. */
public enum OutputType {
	SAME("same"),
	BIT8("8-bit"),
	BIT16("16-bit"),
	FLOAT32("32-bit");

	private final String label;

	OutputType(String label) {
		this.label = label;
	}

	/** "same", "8-bit", "16-bit" or "32-bit" (also "float", "8", "16", "32"). */
	public static OutputType parse(String s) {
		String v = s.trim().toLowerCase(Locale.ROOT);
		switch (v) {
			case "same": case "input": return SAME;
			case "8-bit": case "8": return BIT8;
			case "16-bit": case "16": return BIT16;
			case "32-bit": case "32": case "float": return FLOAT32;
			default: throw new IllegalArgumentException("Unknown output type '" + s + "': use same, 8-bit, 16-bit or 32-bit");
		}
	}

	/** The sample type of the output for an input of {@code input}. */
	public SampleType resolve(SampleType input) {
		switch (this) {
			case BIT8: return SampleType.UINT8;
			case BIT16: return SampleType.UINT16;
			case FLOAT32: return SampleType.FLOAT32;
			default: return input;
		}
	}

	public String label() { return label; }

	@Override
	public String toString() { return label; }
}
