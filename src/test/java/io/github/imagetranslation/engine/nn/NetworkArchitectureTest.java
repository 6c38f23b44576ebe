package io.github.imagetranslation.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.github.imagetranslation.engine.random.SplitMix64;

/**
 * The networks have the reference implementation's layers: their weight counts equal the counts worked out
 * by hand from the reference's layer lists (which its training logs also print, e.g. "11.378 M" for
 * resnet_9blocks), and their outputs have the expected shapes.
 */
class NetworkArchitectureTest {

	private static long weights(GeneratorSpec g) {
		SameDiff sd = SameDiff.create();
		ParameterStore store = new ParameterStore(new SplitMix64(1));
		SDVariable in = sd.placeHolder("in", DataType.FLOAT, -1, g.inChannels(), -1, -1);
		g.build(new SameDiffLayers(sd, store, g.norm(), false), "G.", in, 1, 1 << 8);
		return store.count("G.");
	}

	private static long weights(DiscriminatorSpec d) {
		SameDiff sd = SameDiff.create();
		ParameterStore store = new ParameterStore(new SplitMix64(1));
		SDVariable in = sd.placeHolder("in", DataType.FLOAT, -1, d.inChannels(), -1, -1);
		d.build(new SameDiffLayers(sd, store, d.norm(), false), "D.", in);
		return store.count("D.");
	}

	@Test
	void resnetGeneratorWeightCountsMatchTheReference() {
		// instance norm, so every convolution has a bias:
		// c7s1-64: 3*64*49+64 = 9472; down: 64*128*9+128 = 73856, 128*256*9+256 = 295168
		// residual block: 2*(256*256*9+256) = 1180160
		// up: 256*128*9+128 = 295040, 128*64*9+64 = 73792; c7s1-3: 64*3*49+3 = 9411
		long fixed = 9472 + 73856 + 295168 + 295040 + 73792 + 9411;
		assertEquals(fixed + 6 * 1180160L, weights(GeneratorSpec.named("resnet_6blocks", 64, NormType.INSTANCE, 0, 3, 3)));
		assertEquals(11_378_179L, fixed + 9 * 1180160L);
		assertEquals(11_378_179L, weights(GeneratorSpec.named("resnet_9blocks", 64, NormType.INSTANCE, 0, 3, 3)));
	}

	@Test
	void unetGeneratorWeightCountMatchesTheReference() {
		// unet_256, batch norm (convolutions without bias except the outermost up-convolution; norms carry 2*C):
		// outermost: down 3*64*16 = 3072; up 128*3*16+3 = 6147
		// level 1: down 64*128*16 = 131072 + norm 256; up 256*64*16 = 262144 + norm 128
		// level 2: down 128*256*16 = 524288 + 512; up 512*128*16 = 1048576 + 256
		// level 3: down 256*512*16 = 2097152 + 1024; up 1024*256*16 = 4194304 + 512
		// levels 4..6 (three): down 512*512*16 = 4194304 + 1024; up 1024*512*16 = 8388608 + 1024
		// innermost (level 7): down 4194304; up 512*512*16 = 4194304 + 1024
		long expected = 3072 + 6147
				+ 131072 + 256 + 262144 + 128
				+ 524288 + 512 + 1048576 + 256
				+ 2097152 + 1024 + 4194304 + 512
				+ 3 * (4194304 + 1024 + 8388608 + 1024)
				+ 4194304 + 4194304 + 1024;
		assertEquals(54_413_955L, expected);
		assertEquals(expected, weights(GeneratorSpec.named("unet_256", 64, NormType.BATCH, 0.5, 3, 3)));
	}

	@Test
	void patchGanWeightCountsMatchTheReference() {
		// instance norm, 3 channels: 3*64*16+64 = 3136; 64*128*16+128 = 131200; 128*256*16+256 = 524544;
		// 256*512*16+512 = 2097664; 512*1*16+1 = 8193
		assertEquals(2_764_737L, weights(DiscriminatorSpec.named("basic", 3, 64, NormType.INSTANCE, 3)));
		// batch norm, 6 channels (pix2pix): 6*64*16+64 = 6208; 131072+256; 524288+512; 2097152+1024; 8193
		assertEquals(2_768_705L, weights(DiscriminatorSpec.named("basic", 3, 64, NormType.BATCH, 6)));
		// pixel, instance: 3*64+64 = 256; 64*128+128 = 8320; 128*1+1 = 129
		assertEquals(8705L, weights(DiscriminatorSpec.named("pixel", 0, 64, NormType.INSTANCE, 3)));
	}

	@Test
	void generatorsKeepThePlaneSizeAndMapChannels() {
		for (String name : new String[] { "unet_32", "resnet_2blocks" }) {
			GeneratorSpec g = GeneratorSpec.named(name, 4, NormType.INSTANCE, 0, 2, 3);
			SameDiff sd = SameDiff.create();
			SDVariable in = sd.placeHolder("in", DataType.FLOAT, -1, 2, -1, -1);
			SDVariable out = g.build(new SameDiffLayers(sd, new ParameterStore(new SplitMix64(1)), g.norm(), false), "G.", in, 1, 1);
			INDArray x = Nd4j.rand(DataType.FLOAT, 2, 2, 64, 96).subi(0.5);
			INDArray y = sd.output(java.util.Collections.singletonMap("in", x), out.name()).get(out.name());
			assertArrayEquals(new long[] { 2, 3, 64, 96 }, y.shape(), name);
			assertTrue(y.amaxNumber().doubleValue() <= 1.0, name + " output is tanh");
		}
	}

	@Test
	void patchGanGivesOneLogitPerPatch() {
		// 64 px: three stride-2 convolutions (k4 p1) give 32, 16, 8; two stride-1 k4 p1 convolutions give 7 and 6
		DiscriminatorSpec d = DiscriminatorSpec.named("basic", 3, 4, NormType.INSTANCE, 2);
		SameDiff sd = SameDiff.create();
		SDVariable in = sd.placeHolder("in", DataType.FLOAT, -1, 2, -1, -1);
		SDVariable out = d.build(new SameDiffLayers(sd, new ParameterStore(new SplitMix64(1)), d.norm(), false), "D.", in);
		INDArray y = sd.output(java.util.Collections.singletonMap("in", Nd4j.rand(DataType.FLOAT, 1, 2, 64, 64)), out.name())
				.get(out.name());
		assertArrayEquals(new long[] { 1, 1, 6, 6 }, y.shape());
	}

	@Test
	void weightsAreInitialisedLikeTheReference() {
		ParameterStore store = new ParameterStore(new SplitMix64(7));
		INDArray w = store.getOrCreate("w", new long[] { 64, 64, 4, 4 }, ParameterStore.Init.WEIGHT);
		INDArray b = store.getOrCreate("b", new long[] { 64 }, ParameterStore.Init.ZERO);
		INDArray g = store.getOrCreate("g", new long[] { 1, 4096, 1, 1 }, ParameterStore.Init.SCALE);
		assertEquals(0, w.meanNumber().doubleValue(), 0.002);
		assertEquals(0.02, w.stdNumber().doubleValue(), 0.001);
		assertEquals(0, b.sumNumber().doubleValue(), 0);
		assertEquals(1, g.meanNumber().doubleValue(), 0.002);
		// the same seed gives the same weights
		INDArray again = new ParameterStore(new SplitMix64(7)).getOrCreate("w", new long[] { 64, 64, 4, 4 }, ParameterStore.Init.WEIGHT);
		assertEquals(w, again);
	}

	@Test
	void namesAreParsedAndBadOnesRejected() {
		assertEquals(7, GeneratorSpec.named("unet_128", 8, NormType.BATCH, 0, 1, 1).depth());
		assertEquals(8, GeneratorSpec.named("UNET_256", 8, NormType.BATCH, 0, 1, 1).depth());
		assertEquals(9, GeneratorSpec.named("resnet_9blocks", 8, NormType.BATCH, 0, 1, 1).depth());
		assertEquals(256, GeneratorSpec.named("unet_256", 8, NormType.BATCH, 0, 1, 1).sizeMultiple());
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> GeneratorSpec.named("unet_100", 8, NormType.BATCH, 0, 1, 1));
		assertTrue(e.getMessage().contains("power of two"), e.getMessage());
		assertThrows(IllegalArgumentException.class, () -> GeneratorSpec.named("vgg", 8, NormType.BATCH, 0, 1, 1));
		assertThrows(IllegalArgumentException.class, () -> NormType.parse("layer"));
	}
}
