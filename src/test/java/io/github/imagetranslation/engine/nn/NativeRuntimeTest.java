package io.github.imagetranslation.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class NativeRuntimeTest {

	@Test
	void preparingSetsTheNativeThreadingAndKernelDefaultsTheUserLeftUnset() {
		NativeRuntime.prepare();
		assumeTrue(NativeRuntime.nativeEnvironment("PATH") != null, "no libc to read the environment through");
		if (System.getenv("OMP_WAIT_POLICY") == null)
			assertEquals("PASSIVE", NativeRuntime.nativeEnvironment("OMP_WAIT_POLICY"));
		if (System.getenv("DNNL_MAX_CPU_ISA") == null)
			assertEquals("AVX512_MIC", NativeRuntime.nativeEnvironment("DNNL_MAX_CPU_ISA"));
		else
			assertEquals(System.getenv("DNNL_MAX_CPU_ISA"), NativeRuntime.nativeEnvironment("DNNL_MAX_CPU_ISA"));
	}

	@Test
	void onGlibcTheAllocatorIsToldToKeepLargeBlocksForReuse() {
		NativeRuntime.prepare();
		assumeTrue(System.getProperty("os.name").startsWith("Linux") && System.getenv("MALLOC_MMAP_MAX_") == null
				&& System.getenv("MALLOC_TRIM_THRESHOLD_") == null && System.getenv("GLIBC_TUNABLES") == null,
				"glibc's allocator left as the user set it");
		assertTrue(NativeRuntime.allocatorTuned());
	}
}
