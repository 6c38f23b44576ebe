package io.github.imagetranslation.engine.nn;

/**
 * The pix2pix U-Net: {@code depth} stride-2 4x4 convolutions down to 1x1 (for an input of 2^depth), mirrored
 * by 4x4 transposed convolutions, each decoder level concatenated with the encoder level of the same size.
 * Widths and layer order follow the reference implementation's {@code UnetGenerator}.
 */
final class UnetGenerator {

	private UnetGenerator() {}

	static <T> T build(GeneratorSpec spec, Layers<T> l, String prefix, T input, long batch, long size) {
		return block(spec, l, prefix, input, 0, batch, size);
	}

	/** Filters on the inner side of level {@code level}. */
	private static int inner(GeneratorSpec spec, int level) {
		return spec.ngf() * Math.min(1 << level, 8);
	}

	private static <T> T block(GeneratorSpec spec, Layers<T> l, String prefix, T x, int level,
			long batch, long size) {
		boolean bias = l.norm().convolutionNeedsBias();
		String name = prefix + "u" + level;
		int inner = inner(spec, level);
		if (level == 0) {
			T down = l.conv2d(name + ".down", x, spec.inChannels(), inner, 4, 2, 1, bias);
			T mid = block(spec, l, prefix, down, 1, batch, size);
			T up = l.upsample2x(name + ".up", l.relu(mid), inner * 2, spec.outChannels(), 4, true);
			return l.tanh(up);
		}
		int outer = inner(spec, level - 1);
		boolean innermost = level == spec.depth() - 1;
		T down = l.conv2d(name + ".down", l.leakyRelu(x, 0.2), outer, inner, 4, 2, 1, bias);
		T up;
		if (innermost) {
			up = l.upsample2x(name + ".up", l.relu(down), inner, outer, 4, bias);
			up = l.norm(name + ".upnorm", up, outer);
		} else {
			down = l.norm(name + ".downnorm", down, inner);
			T mid = block(spec, l, prefix, down, level + 1, batch, size);
			up = l.upsample2x(name + ".up", l.relu(mid), inner * 2, outer, 4, bias);
			up = l.norm(name + ".upnorm", up, outer);
			if (level >= 4 && spec.dropout() > 0) {
				long side = Math.max(1, size >> level);
				up = l.dropout(name + ".dropout", up, new long[] { batch, outer, side, side }, spec.dropout());
			}
		}
		return l.concat(x, up);
	}
}
