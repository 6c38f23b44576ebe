package io.github.imagetranslation.engine.metrics;

import java.util.List;
import java.util.Objects;

/**
 * The quality metrics of one comparison (an image or a slice): PSNR in decibels, SSIM, NRMSE and MAE, as
 * computed by {@link ImageMetrics}. Results tables list one per slice and their {@link #mean(List) mean}.
 */
public final class MetricValues {

	private final double psnr;
	private final double ssim;
	private final double nrmse;
	private final double mae;

	public MetricValues(double psnr, double ssim, double nrmse, double mae) {
		this.psnr = psnr;
		this.ssim = ssim;
		this.nrmse = nrmse;
		this.mae = mae;
	}

	/**
	 * The mean of each metric over {@code values}. A PSNR of +Infinity (an identical slice) makes the mean PSNR
	 * +Infinity, as averaging it in numpy would.
	 */
	public static MetricValues mean(List<MetricValues> values) {
		if (values.isEmpty())
			throw new IllegalArgumentException("The mean of metric values needs at least one set of values, got none");
		double psnr = 0, ssim = 0, nrmse = 0, mae = 0;
		for (MetricValues v : values) {
			psnr += v.psnr;
			ssim += v.ssim;
			nrmse += v.nrmse;
			mae += v.mae;
		}
		int n = values.size();
		return new MetricValues(psnr / n, ssim / n, nrmse / n, mae / n);
	}

	/** Peak signal-to-noise ratio in decibels (+Infinity for identical images). */
	public double psnr() { return psnr; }

	/** Mean structural similarity, at most 1. */
	public double ssim() { return ssim; }

	/** Root of the summed squared error over the root of the reference's summed squares. */
	public double nrmse() { return nrmse; }

	/** Mean absolute error, in the images' intensity units. */
	public double mae() { return mae; }

	@Override
	public boolean equals(Object o) {
		if (!(o instanceof MetricValues)) return false;
		MetricValues other = (MetricValues) o;
		return Double.compare(psnr, other.psnr) == 0 && Double.compare(ssim, other.ssim) == 0
			&& Double.compare(nrmse, other.nrmse) == 0 && Double.compare(mae, other.mae) == 0;
	}

	@Override
	public int hashCode() {
		return Objects.hash(psnr, ssim, nrmse, mae);
	}

	@Override
	public String toString() {
		return "MetricValues[psnr=" + psnr + ", ssim=" + ssim + ", nrmse=" + nrmse + ", mae=" + mae + "]";
	}
}
