package org.veriflow.ml.random;

/**
 * The engine's only source of pseudo-randomness: xoshiro256** 1.0 (Blackman and Vigna, 2018) whose
 * 256-bit state is filled by SplitMix64, exactly as the authors recommend.
 *
 * <p>Specification, so that any implementation in any language can reproduce the stream:
 *
 * <ul>
 *   <li>Seeding: SplitMix64 with state {@code x = seed}; each output is {@code x += 0x9E3779B97F4A7C15;
 *       z = x; z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9; z = (z ^ (z >>> 27)) * 0x94D049BB133111EB;
 *       return z ^ (z >>> 31)}. Its first four outputs are {@code s0..s3}.
 *   <li>{@link #nextLong()}: {@code result = rotl(s1 * 5, 7) * 9; t = s1 << 17; s2 ^= s0; s3 ^= s1;
 *       s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45)}.
 *   <li>{@link #nextDouble()}: {@code (nextLong() >>> 11) * 2^-53}, uniform in [0, 1).
 *   <li>{@link #nextInt(int)}: Lemire's multiply-shift with rejection on the top 32 bits, unbiased.
 *   <li>{@link #nextGaussian()}: Box–Muller on two {@link #nextDouble()} draws with {@link StrictMath},
 *       no cached second value.
 *   <li>{@link #forStream(long, long)}: the generator seeded with {@code seed ^ (0x9E3779B97F4A7C15 *
 *       (stream + 1))}, giving one independent stream per purpose (initialisation, shuffling, ...).
 * </ul>
 *
 * <p>Not thread-safe: each training component owns its generator.
 */
public final class Xoshiro256StarStar {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long s0;
    private long s1;
    private long s2;
    private long s3;

    private Xoshiro256StarStar(long seed) {
        long x = seed;
        x += GOLDEN_GAMMA;
        s0 = mix64(x);
        x += GOLDEN_GAMMA;
        s1 = mix64(x);
        x += GOLDEN_GAMMA;
        s2 = mix64(x);
        x += GOLDEN_GAMMA;
        s3 = mix64(x);
    }

    /** Returns a generator whose state is filled by SplitMix64 seeded with {@code seed}. */
    public static Xoshiro256StarStar create(long seed) {
        return new Xoshiro256StarStar(seed);
    }

    /**
     * Returns the generator for one purpose ({@code stream}) under a master {@code seed}; different
     * streams of the same seed give unrelated sequences.
     */
    public static Xoshiro256StarStar forStream(long seed, long stream) {
        return new Xoshiro256StarStar(seed ^ (GOLDEN_GAMMA * (stream + 1)));
    }

    /** The SplitMix64 output function (the finaliser of MurmurHash3 with Stafford's variant 13). */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Returns the next 64 uniformly distributed bits. */
    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** Returns a double uniformly distributed in [0, 1), with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * Returns an int uniformly distributed in [0, bound).
     *
     * @throws IllegalArgumentException if {@code bound} is not positive
     */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, not " + bound);
        }
        long m = (nextLong() >>> 32) * bound;
        long low = m & 0xFFFFFFFFL;
        if (low < bound) {
            long threshold = (0x1_0000_0000L - bound) % bound;
            while (low < threshold) {
                m = (nextLong() >>> 32) * bound;
                low = m & 0xFFFFFFFFL;
            }
        }
        return (int) (m >>> 32);
    }

    /** Returns a double uniformly distributed in [lower, upper). */
    public double nextDouble(double lower, double upper) {
        return lower + (upper - lower) * nextDouble();
    }

    /** Returns a standard normal deviate by the Box–Muller transform (one per call). */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(); // in (0, 1], so the logarithm is finite
        double u2 = nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
    }

    /** Shuffles {@code values} in place by Fisher–Yates, drawing from the last index down. */
    public void shuffle(int[] values) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int tmp = values[i];
            values[i] = values[j];
            values[j] = tmp;
        }
    }
}
