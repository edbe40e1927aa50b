package org.veriflow.node.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.core.crypto.Hash;

class BlobStoreTest {
  @TempDir Path root;

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) {
      b[i] = (byte) r.nextInt(256);
    }
    return b;
  }

  /** Every regular file under the store's root. */
  private List<Path> files() throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void put_thenOpen_returnsSameBytesUnderShardedPath() throws IOException {
    BlobStore store = BlobStore.open(root, 1 << 30);
    byte[] data = bytes(300_000, 1); // several buffers' worth
    Hash h = Hash.sha256(data);

    BlobStore.PutResult r = store.put(h, new ByteArrayInputStream(data));

    assertThat(r).isEqualTo(new BlobStore.Stored(h, data.length, true));
    assertThat(store.exists(h)).isTrue();
    assertThat(store.size(h)).hasValue(data.length);
    try (InputStream in = store.open(h).orElseThrow()) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    assertThat(files()).containsExactly(root.resolve(h.hex().substring(0, 2)).resolve(h.hex().substring(2)));
  }

  @Test
  void put_emptyBlob_isStored() throws IOException {
    BlobStore store = BlobStore.open(root, 10);
    Hash h = Hash.sha256(new byte[0]);
    assertThat(store.put(h, new ByteArrayInputStream(new byte[0]))).isEqualTo(new BlobStore.Stored(h, 0, true));
    assertThat(store.size(h)).hasValue(0);
  }

  @Test
  void put_wrongHash_refusedWithComputedHashAndLeavesNothing() throws IOException {
    BlobStore store = BlobStore.open(root, 1 << 20);
    byte[] data = bytes(100_000, 2);
    Hash claimed = Hash.sha256(bytes(10, 3));

    BlobStore.PutResult r = store.put(claimed, new ByteArrayInputStream(data));

    assertThat(r).isInstanceOf(BlobStore.Refused.class);
    BlobStore.Refused refused = (BlobStore.Refused) r;
    assertThat(refused.reason()).isEqualTo(BlobStore.Reason.HASH_MISMATCH);
    assertThat(refused.computed()).contains(Hash.sha256(data));
    assertThat(refused.message()).contains(Hash.sha256(data).hex());
    assertThat(store.exists(claimed)).isFalse();
    assertThat(store.exists(Hash.sha256(data))).isFalse();
    assertThat(files()).isEmpty();
  }

  @Test
  void put_overLimit_refusedTooLargeAndLeavesNothing() throws IOException {
    BlobStore store = BlobStore.open(root, 1000);
    byte[] data = bytes(1001, 4);
    Hash h = Hash.sha256(data);

    BlobStore.PutResult r = store.put(h, new ByteArrayInputStream(data));

    assertThat(r).isInstanceOf(BlobStore.Refused.class);
    assertThat(((BlobStore.Refused) r).reason()).isEqualTo(BlobStore.Reason.TOO_LARGE);
    assertThat(((BlobStore.Refused) r).computed()).isEmpty();
    assertThat(files()).isEmpty();
  }

  @Test
  void put_overLimit_stopsReadingEarly() throws IOException {
    BlobStore store = BlobStore.open(root, 1000);
    // An endless body: the store must give up without reading it all.
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        return 7;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        java.util.Arrays.fill(b, off, off + len, (byte) 7);
        return len;
      }
    };
    BlobStore.PutResult r = store.put(Hash.ZERO, endless);
    assertThat(((BlobStore.Refused) r).reason()).isEqualTo(BlobStore.Reason.TOO_LARGE);
    assertThat(files()).isEmpty();
  }

  @Test
  void put_exactlyAtLimit_isStored() throws IOException {
    BlobStore store = BlobStore.open(root, 1000);
    byte[] data = bytes(1000, 5);
    assertThat(store.put(Hash.sha256(data), new ByteArrayInputStream(data))).isInstanceOf(BlobStore.Stored.class);
  }

  @Test
  void put_sameBlobTwice_secondIsNotCreatedAndStoreUnchanged() throws IOException {
    BlobStore store = BlobStore.open(root, 1 << 20);
    byte[] data = bytes(5000, 6);
    Hash h = Hash.sha256(data);
    store.put(h, new ByteArrayInputStream(data));

    BlobStore.PutResult again = store.put(h, new ByteArrayInputStream(data));

    assertThat(again).isEqualTo(new BlobStore.Stored(h, data.length, false));
    assertThat(files()).hasSize(1);
    try (InputStream in = store.open(h).orElseThrow()) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
  }

  @Test
  void open_afterCrash_removesLeftoverTempFilesAndKeepsBlobs() throws IOException {
    BlobStore store = BlobStore.open(root, 1 << 20);
    byte[] data = bytes(2000, 7);
    Hash h = Hash.sha256(data);
    store.put(h, new ByteArrayInputStream(data));
    Path leftover = Files.write(root.resolve(BlobStore.TEMP_PREFIX + "12345.part"), bytes(100, 8));

    BlobStore reopened = BlobStore.open(root, 1 << 20);

    assertThat(leftover).doesNotExist();
    assertThat(files()).containsExactly(reopened.path(h));
    assertThat(reopened.exists(h)).isTrue();
  }

  @Test
  void missingBlob_isAbsentEverywhere() throws IOException {
    BlobStore store = BlobStore.open(root, 1 << 20);
    Hash h = Hash.sha256(bytes(1, 9));
    assertThat(store.exists(h)).isFalse();
    assertThat(store.size(h)).isEmpty();
    assertThat(store.open(h)).isEmpty();
  }

  @Test
  void put_concurrentUploadsOfSameBlob_allStoredOnceAndIntact() throws Exception {
    BlobStore store = BlobStore.open(root, 1 << 24);
    byte[] data = bytes(2_000_000, 10);
    Hash h = Hash.sha256(data);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<BlobStore.PutResult>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Callable<BlobStore.PutResult> upload = () -> {
          start.await();
          return store.put(h, new ByteArrayInputStream(data));
        };
        results.add(pool.submit(upload));
      }
      start.countDown();
      int created = 0;
      for (Future<BlobStore.PutResult> f : results) {
        BlobStore.PutResult r = f.get();
        assertThat(r).isInstanceOf(BlobStore.Stored.class);
        BlobStore.Stored s = (BlobStore.Stored) r;
        assertThat(s.hash()).isEqualTo(h);
        assertThat(s.sizeBytes()).isEqualTo(data.length);
        created += s.created() ? 1 : 0;
      }
      assertThat(created).isBetween(1, threads);
    } finally {
      pool.shutdownNow();
    }
    assertThat(files()).containsExactly(store.path(h));
    try (InputStream in = store.open(h).orElseThrow()) {
      assertThat(Hash.sha256(in.readAllBytes())).isEqualTo(h);
    }
  }
}
