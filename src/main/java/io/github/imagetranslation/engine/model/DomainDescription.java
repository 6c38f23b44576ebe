package io.github.imagetranslation.engine.model;

import io.github.imagetranslation.engine.norm.IntensityRange;
import io.github.imagetranslation.engine.norm.NormalizationRule;

/**
 * What a model knows about one image domain (pix2pix: A = inputs, B = targets; CycleGAN: the two unpaired
 * sets): its channel count, the sample type its training images had, the normalisation rule applied to its
 * images, and the typical intensity range of its training images, used to bring translated images back to
 * that domain's intensities.
 */
public final class DomainDescription {

	public int channels;
	/** SampleType name of the training images (UINT8, UINT16, FLOAT32). */
	public String sampleType;
	public NormalizationRule normalization;
	public IntensityRange typicalRange;

	public DomainDescription() {}

	public DomainDescription(int channels, String sampleType, NormalizationRule normalization, IntensityRange typicalRange) {
		this.channels = channels;
		this.sampleType = sampleType;
		this.normalization = normalization;
		this.typicalRange = typicalRange;
	}
}
