package org.veriflow.ml.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs a fixed number of chunks of work on a fixed number of threads.
 *
 * <p>This is the engine's determinism contract for parallel work: callers cut their work into chunks
 * whose boundaries depend only on the data's size, never on {@link #threads()}; a chunk's result never
 * depends on which thread ran it or when; and partial results are combined by the caller in chunk
 * order after {@link #forEachChunk} returns. One, two or eight threads therefore give the same bits.
 *
 * <p>Thread-safe. Instances with more than one thread own a pool and must be {@linkplain #close()
 * closed}; {@link #sequential()} needs no closing. A call made from inside a chunk runs sequentially on
 * the calling thread, so nesting cannot deadlock.
 */
public final class Parallelism implements AutoCloseable {

    private static final Parallelism SEQUENTIAL = new Parallelism(1);
    private static final ThreadLocal<Boolean> IN_WORKER = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private final int threads;
    private final ExecutorService pool;

    private Parallelism(int threads) {
        this.threads = threads;
        if (threads == 1) {
            this.pool = null;
        } else {
            AtomicInteger counter = new AtomicInteger();
            ThreadFactory factory = runnable -> {
                Thread t = new Thread(() -> {
                    IN_WORKER.set(Boolean.TRUE);
                    runnable.run();
                }, "veriflow-ml-" + counter.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            this.pool = Executors.newFixedThreadPool(threads - 1, factory);
        }
    }

    /** Returns the shared single-thread instance (closing it does nothing). */
    public static Parallelism sequential() {
        return SEQUENTIAL;
    }

    /**
     * Returns an instance that uses {@code threads} threads: the caller's and {@code threads - 1} pool
     * threads.
     *
     * @throws IllegalArgumentException if {@code threads} is not in [1, 1024]
     */
    public static Parallelism threads(int threads) {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("thread count must be in [1, 1024], not " + threads);
        }
        return threads == 1 ? SEQUENTIAL : new Parallelism(threads);
    }

    /** Returns an instance with one thread per available processor. */
    public static Parallelism allProcessors() {
        return threads(Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return threads;
    }

    /**
     * Calls {@code body} once for each chunk index in [0, chunks), on up to {@link #threads()} threads,
     * and returns when all calls have finished.
     *
     * @throws RuntimeException the first exception a chunk threw (others are suppressed into it)
     */
    public void forEachChunk(int chunks, IntConsumer body) {
        if (chunks <= 0) {
            return;
        }
        if (pool == null || chunks == 1 || IN_WORKER.get()) {
            for (int c = 0; c < chunks; c++) {
                body.accept(c);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                body.accept(c);
            }
        };
        int helpers = Math.min(threads, chunks) - 1;
        List<Future<?>> futures = new ArrayList<>(helpers);
        for (int i = 0; i < helpers; i++) {
            futures.add(pool.submit(worker));
        }
        RuntimeException failure = null;
        try {
            IN_WORKER.set(Boolean.TRUE);
            worker.run();
        } catch (RuntimeException e) {
            failure = e;
            next.set(chunks);
        } finally {
            IN_WORKER.set(Boolean.FALSE);
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException re
                        ? re : new IllegalStateException("chunk failed", e.getCause());
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for parallel chunks", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Stops the pool threads; the instance must not be used afterwards. */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "Parallelism[threads=" + threads + "]";
    }
}
