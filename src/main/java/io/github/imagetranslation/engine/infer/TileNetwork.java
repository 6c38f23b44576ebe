package io.github.imagetranslation.engine.infer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.github.imagetranslation.engine.nn.ExecutionSessions;
import io.github.imagetranslation.engine.nn.GeneratorSpec;
import io.github.imagetranslation.engine.nn.NativeRuntime;
import io.github.imagetranslation.engine.nn.ParameterStore;
import io.github.imagetranslation.engine.nn.SameDiffLayers;
import io.github.imagetranslation.engine.nn.SameDiffLayers.NormSite;

/**
 * One SameDiff graph, built once, holding a generator twice on shared weights: once normalising with each
 * tile's own statistics and once with statistics fed from outside, plus, for each normalisation layer of the
 * second copy, the sums that measure its input over the part of each tile the tile owns (selected by a mask
 * per resolution). Batch, height and width are free; a request computes only what its outputs need, so
 * measuring a layer runs the network only up to that layer.
 * <p>
 * Arrays the graph no longer needs are kept for reuse by later ops and batches (which saves about a quarter
 * of the time that allocating fresh native memory and faulting it in costs), up to a fixed number of bytes
 * instead of SameDiff's default of a quarter of the JVM's maximum memory; the session is dropped after each
 * image, which frees them. Arrays that ND4J frees only when they are garbage collected are collected every
 * {@value #PIXELS_PER_COLLECTION} input pixels.
 */
final class TileNetwork implements TileRunner {

	private static final String INPUT = "input";
	/**
	 * Input pixels after which the JVM is asked to collect garbage: some of the arrays a run creates are freed
	 * only when collected (about 300 bytes per input pixel for a ResNet of ngf 64, measured), and a collection
	 * costs well under a tenth of a second.
	 */
	private static final long PIXELS_PER_COLLECTION = 1 << 18;

	private final GeneratorSpec spec;
	private final long cacheBytes;
	private long pixelsSinceCollection;
	private final SameDiff sd;
	private final String ownOutput;
	/** Null when the network has no normalisation layers. */
	private final String fedOutput;
	private final List<NormSite> fedSites = new ArrayList<>();
	/** Per normalisation layer: how many input pixels one of its positions spans. */
	private final int[] scales;
	/** Per layer of the copy with fed statistics: the names of its shift, sum and square-sum outputs. */
	private final String[][] measures;

	/**
	 * @param cacheBytes how many bytes of arrays no longer in use the graph may keep for reuse
	 */
	TileNetwork(GeneratorSpec spec, Map<String, INDArray> weights, String prefix, long cacheBytes) {
		NativeRuntime.prepare();
		this.spec = spec;
		this.cacheBytes = cacheBytes;
		sd = SameDiff.create();
		SameDiffLayers layers = new SameDiffLayers(sd, ParameterStore.of(weights), spec.norm(), false);
		SDVariable input = sd.placeHolder(INPUT, DataType.FLOAT, -1, spec.inChannels(), -1, -1);
		List<NormSite> ownSites = new ArrayList<>();
		ownOutput = spec.build(layers.recordingNorms(ownSites, false), prefix, input, -1, -1).name();
		fedOutput = ownSites.isEmpty() ? null : spec.build(layers.recordingNorms(fedSites, true), prefix, input, -1, -1).name();
		scales = probeScales(ownSites);
		measures = new String[scales.length][];
		Map<Integer, SDVariable> masks = new HashMap<>();
		for (int i = 0; i < scales.length; i++) {
			SDVariable mask = masks.computeIfAbsent(scales[i], s -> sd.placeHolder(maskName(s), DataType.FLOAT, -1, 1, -1, -1));
			measures[i] = maskedSums(fedSites.get(i).input, mask);
		}
	}

	private static String maskName(int scale) {
		return "owned_1_" + scale;
	}

	/**
	 * Per sample and channel: the mean of {@code x} over the tile as a shift, and the sums of {@code x - shift}
	 * and its square where {@code mask} is 1.
	 */
	private String[] maskedSums(SDVariable x, SDVariable mask) {
		SDVariable shift = sd.mean(x, true, 2, 3);
		SDVariable centred = x.sub(shift);
		SDVariable masked = centred.mul(mask);
		return new String[] { shift.name(), sd.sum(masked, false, 2, 3).name(), sd.sum(masked.mul(centred), false, 2, 3).name() };
	}

	/** The resolution of each normalisation layer, from one small forward pass. */
	private int[] probeScales(List<NormSite> sites) {
		int[] result = new int[sites.size()];
		if (sites.isEmpty()) return result;
		// large enough that a ResNet's lowest resolution still has room for its reflection padding
		int size = Math.max(spec.sizeMultiple(), 16);
		String[] names = new String[sites.size()];
		for (int i = 0; i < names.length; i++)
			names[i] = sites.get(i).input.name();
		INDArray probe = Nd4j.zeros(DataType.FLOAT, 1, spec.inChannels(), size, size);
		Map<String, INDArray> out = run(singleFeed(probe), names);
		for (int i = 0; i < names.length; i++) {
			INDArray a = out.get(names[i]);
			result[i] = (int) (size / a.size(2));
			if (result[i] * a.size(2) != size || size % result[i] != 0)
				throw new IllegalStateException("Normalisation layer " + sites.get(i).name + " has an unexpected size " + a.size(2));
		}
		closeAll(out);
		probe.close();
		release();
		return result;
	}

	@Override
	public int outputChannels() { return spec.outChannels(); }

	@Override
	public int[] normChannels() {
		int[] channels = new int[fedSites.size()];
		for (int i = 0; i < channels.length; i++)
			channels[i] = fedSites.get(i).channels;
		return channels;
	}

	@Override
	public float[] translate(float[] tiles, int count, int height, int width, WholeImageStatistics statistics) {
		Map<String, INDArray> feeds = new TreeMap<>();
		try {
			feeds.put(INPUT, Nd4j.create(tiles, new long[] { count, spec.inChannels(), height, width }, 'c'));
			String output = ownOutput;
			if (statistics != null && fedOutput != null) {
				feedStatistics(statistics, feeds);
				output = fedOutput;
			}
			Map<String, INDArray> out = run(feeds, output);
			float[] values = out.get(output).reshape(-1).toFloatVector();
			closeAll(out);
			return values;
		} finally {
			closeAll(feeds);
		}
	}

	@Override
	public void measure(float[] tiles, int count, int height, int width, int[][] owned, WholeImageStatistics statistics, int layer,
			WholeImageStatistics.Accumulator into) {
		Map<String, INDArray> feeds = new TreeMap<>();
		try {
			feeds.put(INPUT, Nd4j.create(tiles, new long[] { count, spec.inChannels(), height, width }, 'c'));
			feeds.put(maskName(scales[layer]), mask(owned, count, height, width, scales[layer]));
			feedStatistics(statistics, feeds);
			Map<String, INDArray> out = run(feeds, measures[layer]);
			int channels = fedSites.get(layer).channels;
			float[] shifts = out.get(measures[layer][0]).reshape(-1).toFloatVector();
			float[] sums = out.get(measures[layer][1]).reshape(-1).toFloatVector();
			float[] squares = out.get(measures[layer][2]).reshape(-1).toFloatVector();
			closeAll(out);
			int s = scales[layer];
			for (int t = 0; t < count; t++) {
				long pixels = (long) ((owned[t][1] - owned[t][0]) / s) * ((owned[t][3] - owned[t][2]) / s);
				into.add(layer, pixels, slice(shifts, t, channels), slice(sums, t, channels), slice(squares, t, channels));
			}
		} finally {
			closeAll(feeds);
		}
	}

	private static float[] slice(float[] values, int index, int length) {
		float[] out = new float[length];
		System.arraycopy(values, index * length, out, 0, length);
		return out;
	}

	/** 1 inside each tile's owned rectangle at 1/{@code scale} resolution, 0 elsewhere: {@code [count, 1, h, w]}. */
	private static INDArray mask(int[][] owned, int count, int height, int width, int scale) {
		int h = height / scale, w = width / scale;
		float[] values = new float[count * h * w];
		for (int t = 0; t < count; t++)
			for (int y = owned[t][0] / scale; y < owned[t][1] / scale; y++)
				for (int x = owned[t][2] / scale; x < owned[t][3] / scale; x++)
					values[(t * h + y) * w + x] = 1;
		return Nd4j.create(values, new long[] { count, 1, h, w }, 'c');
	}

	private void feedStatistics(WholeImageStatistics statistics, Map<String, INDArray> feeds) {
		if (statistics.layers() != fedSites.size())
			throw new IllegalArgumentException("Statistics for " + statistics.layers() + " normalisation layers, but the network has "
					+ fedSites.size());
		for (int i = 0; i < fedSites.size(); i++) {
			NormSite site = fedSites.get(i);
			long[] shape = { 1, site.channels, 1, 1 };
			feeds.put(site.meanPlaceholder, Nd4j.create(statistics.mean(i), shape, 'c'));
			feeds.put(site.variancePlaceholder, Nd4j.create(statistics.variance(i), shape, 'c'));
		}
	}

	private static Map<String, INDArray> singleFeed(INDArray input) {
		Map<String, INDArray> feeds = new HashMap<>();
		feeds.put(INPUT, input);
		return feeds;
	}

	/**
	 * Runs the graph in this thread's session, with its array cache bounded; a failed run (for example out of
	 * memory) drops the session, so that nothing of it is kept.
	 */
	private Map<String, INDArray> run(Map<String, INDArray> feeds, String... outputs) {
		long thread = Thread.currentThread().getId();
		if (!sd.getSessions().containsKey(thread)) {
			InferenceSession session = SameDiff.getInferenceFactory().create(sd);
			ArrayCacheMemoryMgr memory = new ArrayCacheMemoryMgr();
			memory.setMaxCacheBytes(cacheBytes);
			session.setMmgr(memory);
			sd.getSessions().put(thread, session);
		}
		try {
			return sd.output(feeds, outputs);
		} catch (RuntimeException | Error e) {
			release();
			throw e;
		} finally {
			INDArray input = feeds.get(INPUT);
			pixelsSinceCollection += input.size(0) * input.size(2) * input.size(3);
			if (pixelsSinceCollection >= PIXELS_PER_COLLECTION) collectGarbage();
		}
	}

	private void collectGarbage() {
		pixelsSinceCollection = 0;
		System.gc();
	}

	/** Drops this thread's session and whatever it still holds. */
	@Override
	public void release() {
		ExecutionSessions.closeThisThreads(sd);
		if (pixelsSinceCollection > 0) collectGarbage();
	}

	private static void closeAll(Map<String, INDArray> arrays) {
		for (INDArray a : arrays.values())
			if (a != null && a.closeable()) a.close();
	}
}
