package io.github.imagetranslation.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.random.SplitMix64;

/** Times a step: warm-up runs, then the median and spread of timed runs, with peak resident memory. */
public final class Measurement {

	/** 2 cores x 2.1 GHz x 64 FLOP/cycle (AVX-512 FMA, fp32): the nominal peak of this machine type. */
	public static final double PEAK_FLOPS = 269e9;

	private Measurement() {}

	/** Runs {@code step} {@code warmup} times untimed and {@code runs} times timed; prints one line. */
	public static void run(String row, Runnable step, int warmup, int runs, double flops) throws IOException {
		for (int i = 0; i < warmup; i++)
			step.run();
		long rssAfterWarmup = rssMb();
		List<Double> times = new ArrayList<>(), cpu = new ArrayList<>();
		long faultsStart = pageFaults();
		for (int i = 0; i < runs; i++) {
			long start = System.nanoTime();
			double cpuStart = cpuSeconds();
			step.run();
			times.add((System.nanoTime() - start) / 1e9);
			cpu.add(cpuSeconds() - cpuStart);
		}
		long faults = (pageFaults() - faultsStart) / runs;
		Collections.sort(times);
		Collections.sort(cpu);
		double median = times.get(times.size() / 2);
		System.out.printf(Locale.ROOT,
				"%-18s median %7.3f s (min %.3f, max %.3f; %d runs after %d warm-up) %7.1f GFLOP %6.1f GFLOP/s %5.1f%% of peak, peak RSS %5d MB%n",
				row, median, times.get(0), times.get(times.size() - 1), runs, warmup, flops / 1e9, flops / median / 1e9,
				100 * flops / median / PEAK_FLOPS, peakRssMb());
		System.out.printf(Locale.ROOT,
				"%-18s process CPU time per run: median %.3f s (min %.3f); page faults per run %d; resident after warm-up %d MB, at the end %d MB; load average %s%n",
				row, cpu.get(cpu.size() / 2), cpu.get(0), faults, rssAfterWarmup, rssMb(), loadAverage());
	}

	/**
	 * Minor page faults of this process so far: memory touched for the first time, or again after being handed
	 * back to the system (about 7-15 microseconds each on this machine type).
	 */
	public static long pageFaults() {
		try {
			String stat = new String(Files.readAllBytes(Paths.get("/proc/self/stat")));
			// field 10 of /proc/PID/stat (minflt), counted from after the command name
			return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[7]);
		} catch (IOException | RuntimeException e) {
			return -1;
		}
	}

	/** User plus system CPU time of this whole process (all threads), in seconds. */
	public static double cpuSeconds() {
		try {
			String stat = new String(Files.readAllBytes(Paths.get("/proc/self/stat")));
			String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			// fields 14 and 15 of /proc/PID/stat (utime, stime), counted from after the command name
			return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
		} catch (IOException | RuntimeException e) {
			return Double.NaN;
		}
	}

	/** The process's current resident memory (VmRSS) in MB. */
	public static long rssMb() throws IOException {
		for (String line : Files.readAllLines(Paths.get("/proc/self/status")))
			if (line.startsWith("VmRSS")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
		return -1;
	}

	private static String loadAverage() {
		try {
			String[] f = new String(Files.readAllBytes(Paths.get("/proc/loadavg"))).split(" ");
			return f[0] + " " + f[1] + " " + f[2];
		} catch (IOException e) {
			return "?";
		}
	}

	/** The process's peak resident memory (VmHWM) in MB. */
	public static long peakRssMb() throws IOException {
		for (String line : Files.readAllLines(Paths.get("/proc/self/status")))
			if (line.startsWith("VmHWM")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
		return -1;
	}

	/** A random image with values in 0-255 (speed does not depend on content). */
	public static FloatImage randomImage(int channels, int size, SplitMix64 r) {
		float[] v = new float[channels * size * size];
		for (int i = 0; i < v.length; i++)
			v[i] = (float) (255 * r.nextDouble());
		return new FloatImage(channels, size, size, v);
	}
}
