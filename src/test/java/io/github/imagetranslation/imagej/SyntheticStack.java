package io.github.imagetranslation.imagej;

import java.io.UncheckedIOException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import ij.VirtualStack;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;

/**
 * A virtual 16-bit stack that makes plane n on request, filled with {@code 1000 + n}, and records which planes
 * were requested; it can be told to fail on one plane, like a file that becomes unreadable half-way.
 */
final class SyntheticStack extends VirtualStack {

	private final int size;
	private final int failingPlane;
	final List<Integer> requested = new ArrayList<>();

	SyntheticStack(int width, int height, int size, int failingPlane) {
		super(width, height);
		this.size = size;
		this.failingPlane = failingPlane;
	}

	static float valueOf(int plane) {
		return 1000 + plane;
	}

	@Override
	public int getSize() {
		return size;
	}

	@Override
	public ImageProcessor getProcessor(int n) {
		requested.add(n);
		if (n == failingPlane) throw new UncheckedIOException(new IOException("plane " + n + " cannot be read"));
		ShortProcessor ip = new ShortProcessor(getWidth(), getHeight());
		ip.setValue(valueOf(n));
		ip.fill();
		return ip;
	}

	@Override
	public String getSliceLabel(int n) {
		return "plane " + n;
	}
}
