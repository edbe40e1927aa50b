package org.veriflow.ml.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelismTest {

    @Test
    void forEachChunk_fourThreads_runsEveryChunkExactlyOnce() {
        AtomicIntegerArray runs = new AtomicIntegerArray(1000);
        try (Parallelism p = Parallelism.threads(4)) {
            p.forEachChunk(1000, runs::incrementAndGet);
        }
        for (int i = 0; i < 1000; i++) {
            assertThat(runs.get(i)).as("chunk %d", i).isEqualTo(1);
        }
    }

    @Test
    void forEachChunk_chunkThrows_exceptionReachesCaller() {
        try (Parallelism p = Parallelism.threads(3)) {
            assertThatThrownBy(() -> p.forEachChunk(50, c -> {
                if (c == 17) {
                    throw new IllegalStateException("chunk 17 failed");
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("chunk 17 failed");
        }
    }

    @Test
    void forEachChunk_nestedCall_completesOnCallingThread() {
        AtomicIntegerArray runs = new AtomicIntegerArray(64);
        try (Parallelism p = Parallelism.threads(2)) {
            p.forEachChunk(8, outer -> p.forEachChunk(8, inner -> runs.incrementAndGet(outer * 8 + inner)));
        }
        for (int i = 0; i < 64; i++) {
            assertThat(runs.get(i)).isEqualTo(1);
        }
    }

    @Test
    void threads_zero_rejected() {
        assertThatThrownBy(() -> Parallelism.threads(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("thread count");
    }
}
