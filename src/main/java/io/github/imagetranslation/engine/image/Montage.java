package io.github.imagetranslation.engine.image;

import java.util.List;

/**
 * Lays images out on a grid (rows of equally many images, each cell as large as the largest image, separated
 * by a gap of {@code background}) so that inputs and their translations can be looked at side by side.
 */
public final class Montage {

	private Montage() {}

	/** {@code rows.get(r).get(c)} at row r, column c; all images must have the same channel count. */
	public static FloatImage grid(List<List<FloatImage>> rows, int gap, float background) {
		if (rows.isEmpty() || rows.get(0).isEmpty()) throw new IllegalArgumentException("Nothing to lay out");
		int channels = rows.get(0).get(0).channels();
		int cellH = 0, cellW = 0, columns = 0;
		for (List<FloatImage> row : rows) {
			columns = Math.max(columns, row.size());
			for (FloatImage f : row) {
				if (f.channels() != channels)
					throw new IllegalArgumentException("Montage images must have the same channels, got " + f.channels() + " and " + channels);
				cellH = Math.max(cellH, f.height());
				cellW = Math.max(cellW, f.width());
			}
		}
		int height = rows.size() * cellH + (rows.size() - 1) * gap;
		int width = columns * cellW + (columns - 1) * gap;
		FloatImage out = new FloatImage(channels, height, width);
		java.util.Arrays.fill(out.data(), background);
		for (int r = 0; r < rows.size(); r++)
			for (int c = 0; c < rows.get(r).size(); c++) {
				FloatImage f = rows.get(r).get(c);
				int top = r * (cellH + gap), left = c * (cellW + gap);
				for (int ch = 0; ch < channels; ch++)
					for (int y = 0; y < f.height(); y++)
						System.arraycopy(f.data(), (ch * f.height() + y) * f.width(), out.data(),
								(ch * height + top + y) * width + left, f.width());
			}
		return out;
	}
}
