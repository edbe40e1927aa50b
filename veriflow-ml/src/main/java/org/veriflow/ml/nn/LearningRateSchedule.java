package org.veriflow.ml.nn;

/**
 * Exponential learning-rate decay: {@code rate(step) = initialRate * decayRate^(step / decaySteps)},
 * where {@code step} counts the updates already applied (0 for the first) and the exponent is
 * truncated to an integer when {@code staircase} is set. A decay rate of 1 gives a constant rate.
 * Powers use {@link StrictMath#pow}.
 */
public record LearningRateSchedule(double initialRate, double decayRate, long decaySteps, boolean staircase) {

    /**
     * @throws IllegalArgumentException if the initial rate or decay rate is not positive and finite,
     *     the decay rate exceeds 1, or {@code decaySteps} is not positive
     */
    public LearningRateSchedule {
        if (!(initialRate > 0.0) || !Double.isFinite(initialRate)) {
            throw new IllegalArgumentException("learning rate must be positive and finite, not " + initialRate);
        }
        if (!(decayRate > 0.0 && decayRate <= 1.0)) {
            throw new IllegalArgumentException("decay rate must be in (0, 1], not " + decayRate);
        }
        if (decaySteps <= 0) {
            throw new IllegalArgumentException("decay steps must be positive, not " + decaySteps);
        }
    }

    /** A constant learning rate. */
    public static LearningRateSchedule constant(double rate) {
        return new LearningRateSchedule(rate, 1.0, 1, false);
    }

    /** Returns the learning rate for the update that follows {@code step} earlier updates. */
    public double rate(long step) {
        if (decayRate == 1.0) {
            return initialRate;
        }
        double exponent = staircase ? (double) (step / decaySteps) : (double) step / (double) decaySteps;
        return initialRate * StrictMath.pow(decayRate, exponent);
    }
}
