package org.veriflow.ml.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class HistoryTest {

    private static History history(boolean validation) {
        List<EpochRecord> epochs = new ArrayList<>();
        for (int e = 1; e <= 10; e++) {
            epochs.add(new EpochRecord(e, 1.0 / e, 0.5 + e * 0.04, validation ? 1.2 / e : Double.NaN,
                    validation ? 0.45 + e * 0.04 : Double.NaN, 0.01 * StrictMath.pow(0.9, e)));
        }
        return new History("accuracy", epochs);
    }

    @Test
    void toCsv_canonicalNumbersAndEmptyMissingValidation() {
        History h = new History("mae", List.of(new EpochRecord(1, 0.1, 2.5e-7, Double.NaN, Double.NaN, 0.001),
                new EpochRecord(2, 1.0 / 3, 1234567.0, Double.NaN, Double.NaN, 0.001)));
        assertThat(h.toCsv()).isEqualTo("epoch,train_loss,train_mae,val_loss,val_mae,learning_rate\n"
                + "1,0.10000000000000001,2.4999999999999999E-7,,,0.001\n"
                + "2,0.33333333333333331,1234567,,,0.001\n");
    }

    @Test
    void png_withValidation_drawsBothCurvesInTheirColours() throws IOException {
        byte[] png = HistoryChart.png(history(true), 640, 320);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(640);
        assertThat(image.getHeight()).isEqualTo(320);
        assertThat(countColour(image, HistoryChart.TRAIN.getRGB())).isGreaterThan(100);
        assertThat(countColour(image, HistoryChart.VALIDATION.getRGB())).isGreaterThan(100);
    }

    @Test
    void png_withoutValidation_drawsNoValidationCurve() throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(HistoryChart.png(history(false), 640, 320)));
        assertThat(countColour(image, HistoryChart.TRAIN.getRGB())).isGreaterThan(100);
        assertThat(countColour(image, HistoryChart.VALIDATION.getRGB())).isZero();
    }

    private static int countColour(BufferedImage image, int rgb) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == (rgb & 0xFFFFFF)) {
                    count++;
                }
            }
        }
        return count;
    }

    @Test
    void history_badRecords_rejected() {
        assertThatThrownBy(() -> new History("accuracy", List.of(new EpochRecord(2, 1, 1, 1, 1, 1))))
                .hasMessageContaining("expected 1");
        assertThatThrownBy(() -> new EpochRecord(1, Double.NaN, 1, 1, 1, 1)).hasMessageContaining("must be finite");
        assertThatThrownBy(() -> HistoryChart.png(new History("mae", List.of()), 640, 320))
                .hasMessageContaining("empty history");
    }
}
