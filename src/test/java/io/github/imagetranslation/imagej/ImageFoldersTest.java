package io.github.imagetranslation.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFoldersTest {

	@TempDir
	Path dir;

	/** Creates empty files (listing and pairing look at names only) and returns the folder. */
	private Path folder(String name, String... files) throws IOException {
		Path folder = Files.createDirectories(dir.resolve(name));
		for (String file : files) {
			Path path = folder.resolve(file);
			Files.createDirectories(path.getParent());
			Files.createFile(path);
		}
		return folder;
	}

	private static List<String> names(Path folder, List<Path> files) {
		List<String> names = new ArrayList<>();
		for (Path file : files) names.add(folder.relativize(file).toString().replace('\\', '/'));
		return names;
	}

	@Test
	void listsImageFilesSortedByNameSkippingOthers() throws Exception {
		Path folder = folder("images", "b.png", "a.tif", "C.JPG", "img10.tif", "img2.tif", "notes.txt", ".hidden.tif", "sub/d.tif", "e.tiff", "f.gif", "g.bmp", "h.jpeg");

		List<Path> files = ImageFolders.list(folder);

		assertEquals(Arrays.asList("C.JPG", "a.tif", "b.png", "e.tiff", "f.gif", "g.bmp", "h.jpeg", "img10.tif", "img2.tif"), names(folder, files));
	}

	@Test
	void recursionAddsSubFoldersButNotHiddenOnes() throws Exception {
		Path folder = folder("images", "z.tif", "sub/a.tif", "sub/deeper/b.png", ".git/c.tif", "a.png");

		List<Path> files = ImageFolders.list(folder, true, null);

		assertEquals(Arrays.asList("a.png", "sub/a.tif", "sub/deeper/b.png", "z.tif"), names(folder, files));
	}

	@Test
	void globFiltersFileNames() throws Exception {
		Path folder = folder("images", "day_1.tif", "day_2.png", "night_1.tif", "sub/day_3.tif");

		assertEquals(Arrays.asList("day_1.tif", "night_1.tif"), names(folder, ImageFolders.list(folder, false, "*.tif")));
		assertEquals(Arrays.asList("day_1.tif", "day_2.png", "sub/day_3.tif"), names(folder, ImageFolders.list(folder, true, "day_*")));
		ImageFileException none = assertThrows(ImageFileException.class, () -> ImageFolders.list(folder, false, "*.bmp"));
		assertTrue(none.getMessage().startsWith("Folder " + folder + " contains no image files matching *.bmp"), none.getMessage());
		ImageFileException bad = assertThrows(ImageFileException.class, () -> ImageFolders.list(folder, false, "[a"));
		assertTrue(bad.getMessage().startsWith("The file pattern \"[a\" is not valid"), bad.getMessage());
	}

	@Test
	void missingEmptyAndNonFoldersFailClearly() throws Exception {
		Path missing = dir.resolve("nowhere");
		assertEquals("Folder " + missing + " does not exist", assertThrows(ImageFileException.class, () -> ImageFolders.list(missing)).getMessage());

		Path empty = folder("empty");
		ImageFileException e = assertThrows(ImageFileException.class, () -> ImageFolders.list(empty));
		assertTrue(e.getMessage().startsWith("Folder " + empty + " contains no image files (looked for .tif .tiff .png"), e.getMessage());

		Path onlyText = folder("text", "readme.txt", "sub/a.tif");
		assertTrue(assertThrows(ImageFileException.class, () -> ImageFolders.list(onlyText)).getMessage().contains("contains no image files"));

		Path file = Files.createFile(dir.resolve("a.tif"));
		assertEquals(file + " is a file, not a folder", assertThrows(ImageFileException.class, () -> ImageFolders.list(file)).getMessage());
	}

	@Test
	void pairsByNameWithoutExtensionAndReportsUnmatchedFiles() throws Exception {
		Path day = folder("day", "a.png", "b.png", "c.jpg", "only-day.png");
		Path night = folder("night", "a.tif", "c.png", "b.tiff", "only-night.tif");

		FolderPairing pairing = ImageFolders.pair(day, night);

		assertEquals(Arrays.asList(
				new FilePair(day.resolve("a.png"), night.resolve("a.tif")),
				new FilePair(day.resolve("b.png"), night.resolve("b.tiff")),
				new FilePair(day.resolve("c.jpg"), night.resolve("c.png"))), pairing.pairs());
		assertEquals(Arrays.asList(day.resolve("only-day.png")), pairing.unmatchedInputs());
		assertEquals(Arrays.asList(night.resolve("only-night.tif")), pairing.unmatchedTargets());
		assertFalse(pairing.isComplete());
	}

	@Test
	void completePairingHasNoUnmatchedFiles() throws Exception {
		FolderPairing pairing = ImageFolders.pair(folder("in", "x.png", "y.png"), folder("out", "y.tif", "x.tif"));

		assertTrue(pairing.isComplete());
		assertEquals(2, pairing.pairs().size());
	}

	@Test
	void recursivePairingMatchesRelativePaths() throws Exception {
		Path in = folder("in", "s1/a.png", "s2/a.png");
		Path out = folder("out", "s1/a.tif", "s2/b.tif");

		FolderPairing pairing = ImageFolders.pair(in, out, true, null);

		assertEquals(Arrays.asList(new FilePair(in.resolve("s1/a.png"), out.resolve("s1/a.tif"))), pairing.pairs());
		assertEquals(Arrays.asList(in.resolve("s2/a.png")), pairing.unmatchedInputs());
		assertEquals(Arrays.asList(out.resolve("s2/b.tif")), pairing.unmatchedTargets());
	}

	@Test
	void noMatchingNamesFails() throws Exception {
		Path in = folder("in", "a.png");
		Path out = folder("out", "b.png");

		ImageFileException e = assertThrows(ImageFileException.class, () -> ImageFolders.pair(in, out));

		assertTrue(e.getMessage().startsWith("No file in " + in + " has a partner of the same name in " + out
				+ "; pairs are matched by file name"), e.getMessage());
	}

	@Test
	void sameNameWithTwoExtensionsIsAmbiguous() throws Exception {
		Path in = folder("in", "a.png", "a.tif");
		Path out = folder("out", "a.tif");

		ImageFileException e = assertThrows(ImageFileException.class, () -> ImageFolders.pair(in, out));

		assertEquals("Folder " + in + " holds both a.png and a.tif; pairs are matched by file name without extension, so rename or remove one", e.getMessage());
	}

	@Test
	void emptyPartnerFolderFails() throws Exception {
		Path in = folder("in", "a.png");
		Path out = folder("out");
		assertTrue(assertThrows(ImageFileException.class, () -> ImageFolders.pair(in, out)).getMessage()
				.startsWith("Folder " + out + " contains no image files"));
	}

	@Test
	void formatsAreKnownByExtension() {
		assertEquals(ImageFileFormat.TIFF, ImageFileFormat.ofFileName("A.TIFF").get());
		assertEquals(ImageFileFormat.JPEG, ImageFileFormat.ofFileName("x.jpeg").get());
		assertFalse(ImageFileFormat.ofFileName("notes.txt").isPresent());
		assertFalse(ImageFileFormat.ofFileName(".tif").isPresent());
		assertEquals("a.ome.tif", ImageFileFormat.TIFF.rename("a.ome.png"));
		assertEquals("night.png", ImageFileFormat.PNG.rename("night"));
		assertTrue(ImageFileFormat.PNG.writable());
		assertFalse(ImageFileFormat.JPEG.writable());
	}
}
