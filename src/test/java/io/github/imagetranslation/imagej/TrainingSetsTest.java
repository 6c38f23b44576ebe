package io.github.imagetranslation.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.imagetranslation.engine.data.UnpairedTrainingData;
import io.github.imagetranslation.engine.image.FloatImage;
import io.github.imagetranslation.engine.train.CycleGanOptions;

/** Training sets from folders as users have them. */
class TrainingSetsTest {

	private static Path pairs(String name) throws Exception {
		return Paths.get(TrainingSetsTest.class.getResource("/io/github/imagetranslation/pairs/" + name).toURI());
	}

	@Test
	void greyImagesAmongColourOnesTrainAsColour(@TempDir Path dir) throws Exception {
		Path mixed = dir.resolve("mixed");
		Files.createDirectories(mixed);
		Files.copy(pairs("t1").resolve("a.png"), mixed.resolve("grey.png"));
		Files.copy(pairs("day").resolve("a.png"), mixed.resolve("colour.png"));
		CycleGanOptions o = new CycleGanOptions();
		o.patchSize = 32;
		UnpairedTrainingData data = TrainingSets.unpaired(mixed, pairs("night"), o);
		assertEquals(3, data.domainA().channels());
		// colour.png sorts first; grey.png's three channels are equal
		FloatImage grey = data.domainA().get(1);
		int plane = grey.planeSize();
		float[] r = java.util.Arrays.copyOfRange(grey.data(), 0, plane);
		assertArrayEquals(r, java.util.Arrays.copyOfRange(grey.data(), plane, 2 * plane), 0f);
		assertArrayEquals(r, java.util.Arrays.copyOfRange(grey.data(), 2 * plane, 3 * plane), 0f);
	}
}
