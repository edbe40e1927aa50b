package org.veriflow.node.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.contracts.identities.BlobQuota;
import org.veriflow.core.crypto.Hash;

/** Uploads charged to their uploader: quota, metadata across a restart, collection of unreferenced blobs, a full disk. */
class BlobUploadsTest {
  private static final Duration TTL = Duration.ofHours(24);
  private static final String ALICE = "vf1" + "a".repeat(40);
  private static final String BOB = "vf1" + "b".repeat(40);

  @TempDir Path root;
  private Instant now = Instant.parse("2026-06-01T00:00:00Z");
  private final Clock clock = new Clock() {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };
  /** What the "chain" names. */
  private final Set<Hash> named = new HashSet<>();

  private BlobUploads uploads(BlobStore store) throws IOException {
    return new BlobUploads(store, clock, TTL, candidates -> {
      Set<Hash> found = new HashSet<>(candidates);
      found.retainAll(named);
      return found;
    });
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  private static BlobStore.PutResult put(BlobUploads u, String who, Optional<BlobQuota> quota, byte[] data) throws IOException {
    return u.put(who, quota, Hash.sha256(data), new ByteArrayInputStream(data));
  }

  /** Files under the store's root whose name marks an unfinished upload. */
  private List<Path> partialFiles() throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().startsWith(".")).toList();
    }
  }

  @Test
  void put_manyBlobsByOneUploader_stopAtTheByteQuota_othersUnaffected() throws IOException {
    BlobUploads u = uploads(BlobStore.open(root, 1 << 20));
    Optional<BlobQuota> quota = Optional.of(new BlobQuota(10_000, 100));
    for (int i = 0; i < 4; i++) {
      assertThat(put(u, ALICE, quota, bytes(2_500, i))).isInstanceOf(BlobStore.Stored.class);
    }
    byte[] fifth = bytes(2_500, 99);
    BlobStore.PutResult refused = put(u, ALICE, quota, fifth);
    assertThat(refused).isInstanceOfSatisfying(BlobStore.Refused.class, r -> assertThat(r.reason()).isEqualTo(BlobStore.Reason.QUOTA_EXCEEDED));
    assertThat(u.store().exists(Hash.sha256(fifth))).isFalse();
    assertThat(u.usage(ALICE)).isEqualTo(new BlobUploads.Usage(10_000, 4));
    assertThat(partialFiles()).isEmpty();
    // The declared length is checked before anything is read.
    assertThat(u.precheck(ALICE, quota, 1)).isPresent();
    assertThat(u.precheck(BOB, quota, 10_000)).isEmpty();
    assertThat(u.precheck(BOB, quota, 10_001)).isPresent();
    assertThat(put(u, BOB, quota, fifth)).isInstanceOf(BlobStore.Stored.class);
    // No quota: no limit, still recorded.
    assertThat(put(u, ALICE, Optional.empty(), bytes(50_000, 7))).isInstanceOf(BlobStore.Stored.class);
    assertThat(u.usage(ALICE).count()).isEqualTo(5);
  }

  @Test
  void put_countQuota_refusesTheBlobPastIt_andAReuploadChargesNothing() throws IOException {
    BlobUploads u = uploads(BlobStore.open(root, 1 << 20));
    Optional<BlobQuota> quota = Optional.of(new BlobQuota(1 << 20, 2));
    byte[] a = bytes(10, 1);
    assertThat(put(u, ALICE, quota, a)).isInstanceOf(BlobStore.Stored.class);
    assertThat(put(u, ALICE, quota, bytes(10, 2))).isInstanceOf(BlobStore.Stored.class);
    assertThat(put(u, ALICE, quota, bytes(10, 3))).isInstanceOfSatisfying(BlobStore.Refused.class,
        r -> assertThat(r.reason()).isEqualTo(BlobStore.Reason.QUOTA_EXCEEDED));
    // The same blob by another uploader: stored already, charged to its first uploader only.
    assertThat(put(u, BOB, quota, a)).isInstanceOfSatisfying(BlobStore.Stored.class, s -> assertThat(s.created()).isFalse());
    assertThat(u.usage(BOB)).isEqualTo(new BlobUploads.Usage(0, 0));
    assertThat(u.usage(ALICE)).isEqualTo(new BlobUploads.Usage(20, 2));
  }

  @Test
  void put_streamWithoutLengthPastTheQuota_stoppedWhileReading_nothingKept() throws IOException {
    BlobUploads u = uploads(BlobStore.open(root, 1 << 30));
    byte[] data = bytes(300_000, 5);
    long[] read = {0};
    InputStream counting = new ByteArrayInputStream(data) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        int n = super.read(b, off, len);
        read[0] += Math.max(n, 0);
        return n;
      }
    };
    BlobStore.PutResult r = u.put(ALICE, Optional.of(new BlobQuota(100_000, 10)), Hash.sha256(data), counting);
    assertThat(r).isInstanceOfSatisfying(BlobStore.Refused.class, x -> assertThat(x.reason()).isEqualTo(BlobStore.Reason.QUOTA_EXCEEDED));
    // Stopped within one buffer of the quota, not at the end of the body.
    assertThat(read[0]).isLessThan(100_000 + 64 * 1024 + 1);
    assertThat(u.usage(ALICE)).isEqualTo(new BlobUploads.Usage(0, 0));
    assertThat(u.precheck(ALICE, Optional.of(new BlobQuota(100_000, 10)), 100_000)).isEmpty();
    assertThat(partialFiles()).isEmpty();
  }

  @Test
  void restart_keepsUploaderTimeAndUsage() throws IOException {
    BlobStore store = BlobStore.open(root, 1 << 20);
    BlobUploads u = uploads(store);
    byte[] a = bytes(1_000, 1);
    put(u, ALICE, Optional.of(BlobQuota.DEFAULT), a);
    Instant uploaded = now;
    now = now.plusSeconds(3600);

    BlobUploads reopened = uploads(BlobStore.open(root, 1 << 20));
    assertThat(reopened.usage(ALICE)).isEqualTo(new BlobUploads.Usage(1_000, 1));
    assertThat(reopened.meta(Hash.sha256(a))).contains(new BlobUploads.Meta(ALICE, uploaded.toEpochMilli(), 1_000));
  }

  @Test
  void collect_unreferencedAfterTheTtl_deletedAndQuotaFreed_referencedNever() throws IOException {
    BlobUploads u = uploads(BlobStore.open(root, 1 << 20));
    Optional<BlobQuota> quota = Optional.of(new BlobQuota(1 << 20, 2));
    byte[] referenced = bytes(100, 1);
    byte[] stray = bytes(200, 2);
    put(u, ALICE, quota, referenced);
    put(u, ALICE, quota, stray);
    named.add(Hash.sha256(referenced));
    assertThat(put(u, ALICE, quota, bytes(10, 3))).isInstanceOf(BlobStore.Refused.class);

    now = now.plus(TTL).minusMillis(1);
    assertThat(u.collect()).isEmpty();
    now = now.plusMillis(1);
    assertThat(u.collect()).containsExactly(Hash.sha256(stray));
    assertThat(u.store().exists(Hash.sha256(stray))).isFalse();
    assertThat(u.store().exists(Hash.sha256(referenced))).isTrue();
    assertThat(u.usage(ALICE)).isEqualTo(new BlobUploads.Usage(100, 1));
    assertThat(put(u, ALICE, quota, bytes(10, 3))).isInstanceOf(BlobStore.Stored.class);

    now = now.plus(TTL.multipliedBy(10));
    named.add(Hash.sha256(bytes(10, 3)));
    assertThat(u.collect()).isEmpty();
    assertThat(u.store().exists(Hash.sha256(referenced))).isTrue();
    // Collected blobs are gone after a restart too, and their uploader's charge with them.
    assertThat(uploads(BlobStore.open(root, 1 << 20)).usage(ALICE)).isEqualTo(new BlobUploads.Usage(110, 2));
  }

  @Test
  void collect_blobDeletedByAnErasure_freesItsUploadersQuota() throws IOException {
    BlobUploads u = uploads(BlobStore.open(root, 1 << 20));
    byte[] ciphertext = bytes(300, 4);
    put(u, ALICE, Optional.of(BlobQuota.DEFAULT), ciphertext);
    named.add(Hash.sha256(ciphertext));
    assertThat(u.store().delete(Hash.sha256(ciphertext))).isTrue();
    assertThat(u.collect()).isEmpty();
    assertThat(u.usage(ALICE)).isEqualTo(new BlobUploads.Usage(0, 0));
    assertThat(u.meta(Hash.sha256(ciphertext))).isEmpty();
  }

  @Test
  void collect_reuploadRefreshesTheTime() throws IOException {
    BlobUploads u = uploads(BlobStore.open(root, 1 << 20));
    byte[] a = bytes(100, 1);
    put(u, ALICE, Optional.empty(), a);
    now = now.plus(TTL).minusSeconds(1);
    put(u, BOB, Optional.empty(), a);
    now = now.plusSeconds(2);
    assertThat(u.collect()).isEmpty();
    now = now.plus(TTL);
    assertThat(u.collect()).containsExactly(Hash.sha256(a));
  }

  @Test
  void put_diskFull_storageFull_noPartialFile_nothingCharged() throws IOException {
    // A disk that takes 1,000 bytes, then fails as a full file system does.
    BlobStore.Disk full = temp -> {
      BlobStore.Disk.Sink files = BlobStore.Disk.FILES.open(temp);
      return new BlobStore.Disk.Sink() {
        long written;

        @Override
        public void write(ByteBuffer src) throws IOException {
          if (written + src.remaining() > 1_000) {
            throw new IOException("No space left on device");
          }
          written += src.remaining();
          files.write(src);
        }

        @Override
        public void force() throws IOException {
          files.force();
        }

        @Override
        public void close() throws IOException {
          files.close();
        }
      };
    };
    BlobUploads u = uploads(BlobStore.open(root, 1 << 20, full));
    byte[] data = bytes(200_000, 9);
    BlobStore.PutResult r = put(u, ALICE, Optional.of(BlobQuota.DEFAULT), data);
    assertThat(r).isInstanceOfSatisfying(BlobStore.Refused.class, x -> {
      assertThat(x.reason()).isEqualTo(BlobStore.Reason.STORAGE_FULL);
      assertThat(x.message()).contains("No space left on device");
    });
    assertThat(u.store().exists(Hash.sha256(data))).isFalse();
    assertThat(partialFiles()).isEmpty();
    assertThat(u.usage(ALICE)).isEqualTo(new BlobUploads.Usage(0, 0));
    // A small blob still fits.
    assertThat(put(u, ALICE, Optional.of(BlobQuota.DEFAULT), bytes(500, 1))).isInstanceOf(BlobStore.Stored.class);
  }
}
