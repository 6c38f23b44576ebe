package io.github.imagetranslation.engine.model;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.imagetranslation.engine.nn.DiscriminatorSpec;
import io.github.imagetranslation.engine.nn.GeneratorSpec;
import io.github.imagetranslation.engine.train.EpochRecord;

/** A human-readable account of what a model file holds, for the command line and the Model Info command. */
public final class ModelSummary {

	private ModelSummary() {}

	/** Several lines: kind, networks, domains, training progress and the loss history (last epochs). */
	public static String describe(ModelDescription d, boolean hasTrainingState) {
		StringBuilder s = new StringBuilder();
		s.append("Kind: ").append(d.kind).append('\n');
		s.append("Written: ").append(d.created).append(" by ").append(d.software).append('\n');
		for (Map.Entry<String, GeneratorSpec> g : d.generators.entrySet())
			s.append("Generator ").append(g.getKey()).append(": ").append(g.getValue()).append('\n');
		for (Map.Entry<String, DiscriminatorSpec> e : d.discriminators.entrySet())
			s.append("Discriminator of ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
		for (Map.Entry<String, DomainDescription> e : d.domains.entrySet()) {
			DomainDescription dom = e.getValue();
			s.append("Domain ").append(e.getKey()).append(": ").append(dom.channels).append(dom.channels == 1 ? " channel" : " channels")
					.append(", trained on ").append(dom.sampleType).append(" images, normalisation ").append(dom.normalization)
					.append(", typical range ").append(dom.typicalRange).append('\n');
		}
		s.append("Patch size: ").append(d.patchSize).append(", seed ").append(d.seed).append('\n');
		s.append("Training: ").append(d.epochsDone).append(" epochs, ").append(d.iterationsDone).append(" iterations, ")
				.append(d.finished ? "finished" : "not finished").append(hasTrainingState ? "; can be resumed" : "; translation only")
				.append('\n');
		List<EpochRecord> history = d.history;
		if (!history.isEmpty()) {
			s.append("Loss history (mean per epoch):\n");
			int from = Math.max(0, history.size() - 20);
			if (from > 0) s.append("  (").append(from).append(" earlier epochs not shown)\n");
			for (EpochRecord r : history.subList(from, history.size())) {
				s.append(String.format(Locale.ROOT, "  epoch %4d  lr %.2e ", r.epoch() + 1, r.learningRate()));
				r.losses().forEach((k, v) -> s.append(String.format(Locale.ROOT, " %s %.4f", k, v)));
				s.append('\n');
			}
		}
		return s.toString();
	}
}
