package io.github.imagetranslation.engine.nn;

/**
 * The CycleGAN ResNet generator: c7s1-ngf, two stride-2 down-samplings, {@code depth} residual blocks with
 * reflection padding, two transposed-convolution up-samplings, c7s1-out and tanh, as in the reference
 * implementation's {@code ResnetGenerator}.
 */
final class ResnetGenerator {

	private ResnetGenerator() {}

	static <T> T build(GeneratorSpec spec, Layers<T> l, String prefix, T input, long batch, long size) {
		boolean bias = l.norm().convolutionNeedsBias();
		int ngf = spec.ngf();
		// the plane size is only known for training (and then it is the patch size); -1 makes the padding work for
		// any size
		long outer = l.training() && size > 0 ? size : -1, inner = outer > 0 ? outer / 4 : -1;
		T x = l.conv2d(prefix + "in", l.reflectionPad(input, 3, outer, outer), spec.inChannels(), ngf, 7, 1, 0, bias);
		x = l.relu(l.norm(prefix + "in.norm", x, ngf));
		for (int i = 0; i < 2; i++) {
			int c = ngf << i;
			x = l.conv2d(prefix + "down" + i, x, c, 2 * c, 3, 2, 1, bias);
			x = l.relu(l.norm(prefix + "down" + i + ".norm", x, 2 * c));
		}
		int dim = ngf * 4;
		for (int b = 0; b < spec.depth(); b++) {
			String name = prefix + "res" + b;
			T y = l.conv2d(name + ".conv1", l.reflectionPad(x, 1, inner, inner), dim, dim, 3, 1, 0, bias);
			y = l.relu(l.norm(name + ".norm1", y, dim));
			if (spec.dropout() > 0) {
				long side = Math.max(1, size / 4);
				y = l.dropout(name + ".dropout", y, new long[] { batch, dim, side, side }, spec.dropout());
			}
			y = l.conv2d(name + ".conv2", l.reflectionPad(y, 1, inner, inner), dim, dim, 3, 1, 0, bias);
			y = l.norm(name + ".norm2", y, dim);
			x = l.add(x, y);
		}
		for (int i = 0; i < 2; i++) {
			int c = ngf << (2 - i);
			x = l.upsample2x(prefix + "up" + i, x, c, c / 2, 3, bias);
			x = l.relu(l.norm(prefix + "up" + i + ".norm", x, c / 2));
		}
		x = l.conv2d(prefix + "out", l.reflectionPad(x, 3, outer, outer), ngf, spec.outChannels(), 7, 1, 0, true);
		return l.tanh(x);
	}
}
