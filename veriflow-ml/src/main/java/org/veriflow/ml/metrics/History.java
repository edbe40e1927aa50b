package org.veriflow.ml.metrics;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.veriflow.ml.io.CanonicalDecimal;

/**
 * The per-epoch record of a training run, with the name of the metric it tracked ({@code accuracy},
 * {@code mae}, ...).
 *
 * @param metricName name of the metric column, lower-case letters, digits and dashes
 * @param epochs     one record per epoch, numbered 1, 2, ... in order
 */
public record History(String metricName, List<EpochRecord> epochs) {

    /**
     * @throws IllegalArgumentException if the metric name is malformed or epochs are not numbered 1..n
     */
    public History {
        if (!metricName.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("metric name must match [a-z0-9-]+, not '" + metricName + "'");
        }
        epochs = List.copyOf(epochs);
        for (int i = 0; i < epochs.size(); i++) {
            if (epochs.get(i).epoch() != i + 1) {
                throw new IllegalArgumentException(
                        "history record " + i + " has epoch " + epochs.get(i).epoch() + ", expected " + (i + 1));
            }
        }
    }

    /**
     * Returns the history as CSV: header {@code epoch,train_loss,train_<metric>,val_loss,val_<metric>,
     * learning_rate}, one line per epoch, LF line ends, numbers in {@link CanonicalDecimal} form and an
     * empty field for a missing validation value. The bytes are identical on every JVM, so they can be
     * hashed as the loss curve.
     */
    public String toCsv() {
        String metric = metricName.replace('-', '_');
        StringBuilder sb = new StringBuilder();
        sb.append("epoch,train_loss,train_").append(metric).append(",val_loss,val_").append(metric)
                .append(",learning_rate\n");
        for (EpochRecord r : epochs) {
            sb.append(r.epoch()).append(',')
                    .append(CanonicalDecimal.format(r.trainLoss())).append(',')
                    .append(CanonicalDecimal.format(r.trainMetric())).append(',')
                    .append(optional(r.validationLoss())).append(',')
                    .append(optional(r.validationMetric())).append(',')
                    .append(CanonicalDecimal.format(r.learningRate())).append('\n');
        }
        return sb.toString();
    }

    /** Returns {@link #toCsv()} as UTF-8 bytes. */
    public byte[] toCsvBytes() {
        return toCsv().getBytes(StandardCharsets.UTF_8);
    }

    private static String optional(double value) {
        return Double.isNaN(value) ? "" : CanonicalDecimal.format(value);
    }
}
