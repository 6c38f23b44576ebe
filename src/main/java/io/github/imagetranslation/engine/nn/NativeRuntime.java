package io.github.imagetranslation.engine.nn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Prepares ND4J's native runtime before its first use. Threading and BLAS settings are read from environment
 * variables when the native library loads, and Fiji cannot set those before its JVM starts, so they are set
 * here through libc when the user has not set them: OpenMP waits passively (busy waiting collapses
 * throughput as soon as anything else runs on the machine), and the bundled OpenBLAS, which otherwise takes
 * current CPUs for a 2004 Pentium, is told the CPU's real vector width.
 * <p>
 * oneDNN is kept to its AVX-512 "common" kernels ({@code DNNL_MAX_CPU_ISA=AVX512_MIC}, a ceiling, so CPUs
 * without AVX-512 are unaffected). On AVX-512 "core" CPUs, ND4J's automatic algorithm choice otherwise takes
 * Winograd for the weight gradient of 3x3 convolutions at batch 1, measured 5-8x slower than direct
 * convolution (57 ms instead of 7.6 ms for 256 channels at 32x32 px), and reorders the weights with a slow
 * generic kernel; a CycleGAN iteration at 128 px went from 6.8 s to 4.1 s. The forward kernels are the same
 * AVX-512 ones either way.
 */
public final class NativeRuntime {

	private interface LibC extends Library {
		int setenv(String name, String value, int overwrite);

		String getenv(String name);

		int mallopt(int parameter, int value);

		com.sun.jna.Pointer mmap(com.sun.jna.Pointer address, long length, int protection, int flags, int fd, long offset);

		int munmap(com.sun.jna.Pointer address, long length);
	}

	/** glibc's {@code mallopt} parameters. */
	private static final int M_TRIM_THRESHOLD = -1, M_MMAP_MAX = -4;

	private static boolean prepared;
	private static boolean allocatorTuned;
	private static boolean libcLoaded;
	private static LibC libc;

	private NativeRuntime() {}

	/** Sets the environment once per process; later calls do nothing. */
	public static synchronized void prepare() {
		if (prepared) return;
		prepared = true;
		setDefault("OMP_WAIT_POLICY", "PASSIVE");
		setDefault("DNNL_MAX_CPU_ISA", "AVX512_MIC");
		String core = openBlasCoreType();
		if (core != null) setDefault("OPENBLAS_CORETYPE", core);
		keepFreedMemoryForReuse();
	}

	/**
	 * Tells glibc's allocator to serve large blocks from its heap and keep freed memory for reuse, unless the user
	 * has tuned it. By default glibc maps every block of 32 MB or more (and, until its threshold adapts, smaller
	 * ones) freshly from the system and unmaps it when freed; ND4J and oneDNN allocate such blocks for every
	 * convolution call (weights reordered for oneDNN, scratch space), so each call paid for touching new pages:
	 * 94,000 page faults (370 MB) per pix2pix iteration, which then took 1.5 s instead of 0.73 s. The cost is that
	 * memory freed by the native code is kept by the process for reuse rather than given back.
	 */
	private static void keepFreedMemoryForReuse() {
		if (System.getenv("MALLOC_MMAP_MAX_") != null || System.getenv("MALLOC_TRIM_THRESHOLD_") != null
				|| System.getenv("GLIBC_TUNABLES") != null)
			return;
		LibC c = libc();
		if (c == null) return;
		try {
			allocatorTuned = c.mallopt(M_MMAP_MAX, 0) == 1 && c.mallopt(M_TRIM_THRESHOLD, Integer.MAX_VALUE) == 1;
		} catch (UnsatisfiedLinkError | RuntimeException e) {
			// not glibc (macOS, Windows): its allocator's defaults apply
		}
	}

	/** Whether {@link #prepare()} set glibc's allocator to keep freed memory (false where there is no glibc). */
	static boolean allocatorTuned() {
		return allocatorTuned;
	}

	private static void setDefault(String name, String value) {
		LibC c = libc();
		if (System.getenv(name) != null || c == null) return;
		try {
			c.setenv(name, value, 0);
		} catch (UnsatisfiedLinkError | RuntimeException e) {
			// not on Linux/macOS libc: the library defaults apply, which is only slower
		}
	}

	/**
	 * mmap's read and write protection, a private anonymous mapping, and no swap space set aside for it (Linux's
	 * flag values).
	 */
	private static final int PROT_READ_WRITE = 3, MAP_PRIVATE_ANONYMOUS = 0x22, MAP_NORESERVE = 0x4000;

	/**
	 * The address of {@code bytes} of fresh memory mapped from the system outside the C allocator, or 0 where that
	 * is not available (not Linux). For large buffers kept for a long time: kept in glibc's per-thread heaps
	 * (at most 64 MB each) they left no room for the native libraries' large short-lived blocks, which then came
	 * from new heaps made and unmapped again on every training iteration (tens of thousands of page faults each).
	 */
	static long mapMemory(long bytes) {
		return map(bytes, MAP_PRIVATE_ANONYMOUS);
	}

	/**
	 * As {@link #mapMemory}, for address space of which only the pages written become resident (and count
	 * against the machine's memory): room reserved for an allocator of this project's own.
	 */
	static long reserveMemory(long bytes) {
		return map(bytes, MAP_PRIVATE_ANONYMOUS | MAP_NORESERVE);
	}

	private static long map(long bytes, int flags) {
		LibC c = libc();
		if (c == null || !System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) return 0;
		try {
			long address = com.sun.jna.Pointer.nativeValue(c.mmap(null, bytes, PROT_READ_WRITE, flags, -1, 0));
			return address == -1 ? 0 : address;
		} catch (UnsatisfiedLinkError | RuntimeException e) {
			return 0;
		}
	}

	/** Gives back memory from {@link #mapMemory} or {@link #reserveMemory}. */
	static void unmapMemory(long address, long bytes) {
		LibC c = libc();
		if (c != null && address != 0) c.munmap(new com.sun.jna.Pointer(address), bytes);
	}

	/** The native environment's value of {@code name} (which Java's {@code System.getenv} does not see change). */
	static String nativeEnvironment(String name) {
		LibC c = libc();
		try {
			return c == null ? null : c.getenv(name);
		} catch (UnsatisfiedLinkError | RuntimeException e) {
			return null;
		}
	}

	/** The C library through JNA, loaded once; null where it cannot be loaded. */
	private static synchronized LibC libc() {
		if (!libcLoaded) {
			libcLoaded = true;
			try {
				libc = Native.load("c", LibC.class);
			} catch (UnsatisfiedLinkError | RuntimeException e) {
				libc = null;
			}
		}
		return libc;
	}

	/** "SkylakeX" on AVX-512 CPUs, "Haswell" on AVX2 CPUs, null otherwise or when unknown. */
	static String openBlasCoreType() {
		try {
			String cpu = new String(Files.readAllBytes(Paths.get("/proc/cpuinfo")));
			int flags = cpu.indexOf("\nflags");
			if (flags < 0) return null;
			String line = cpu.substring(flags, cpu.indexOf('\n', flags + 1));
			if (line.contains(" avx512f")) return "SkylakeX";
			if (line.contains(" avx2")) return "Haswell";
			return null;
		} catch (IOException | RuntimeException e) {
			return null;
		}
	}
}
