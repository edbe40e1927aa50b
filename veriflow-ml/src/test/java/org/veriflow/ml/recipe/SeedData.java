package org.veriflow.ml.recipe;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.veriflow.ml.random.Xoshiro256StarStar;

/**
 * Simulated readings of the seed experiment: two sensors in a closed room from midnight to 07:00, one
 * reading every 30 s each. The room cools from about 31 to 24 °C; relative humidity follows the Magnus
 * formula with a constant vapour pressure, so it rises as the room cools. Each device has its own bias
 * and noise.
 */
final class SeedData {

    /** Vapour pressure of the room's air, hPa. */
    static final double VAPOUR_PRESSURE = 19.0;

    private SeedData() {
    }

    /** Saturation vapour pressure over water (Magnus, Sonntag 1990 constants), hPa. */
    static double saturation(double celsius) {
        return 6.112 * StrictMath.exp(17.62 * celsius / (243.12 + celsius));
    }

    /** The noiseless relative humidity at {@code celsius}, %. */
    static double trueHumidity(double celsius) {
        return 100.0 * VAPOUR_PRESSURE / saturation(celsius);
    }

    /** CSV with columns seconds, device, temperature, humidity. */
    static byte[] night(long seed) {
        Xoshiro256StarStar r = Xoshiro256StarStar.create(seed);
        StringBuilder sb = new StringBuilder("seconds,device,temperature,humidity\n");
        int readings = 7 * 3600 / 30;
        for (int k = 0; k < readings; k++) {
            double room = 31.5 - 7.0 * k / readings;
            appendReading(sb, k * 30, "sensor-1", room + 0.4 + 0.15 * r.nextGaussian(), -1.5, 0.4, r);
            appendReading(sb, k * 30, "sensor-2", room - 0.4 + 0.25 * r.nextGaussian(), 1.5, 0.6, r);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void appendReading(StringBuilder sb, int seconds, String device, double temperature,
            double humidityBias, double humidityNoise, Xoshiro256StarStar r) {
        double humidity = trueHumidity(temperature) + humidityBias + humidityNoise * r.nextGaussian();
        sb.append(seconds).append(',').append(device).append(',')
                .append(String.format(Locale.ROOT, "%.2f", temperature)).append(',')
                .append(String.format(Locale.ROOT, "%.2f", humidity)).append('\n');
    }
}
