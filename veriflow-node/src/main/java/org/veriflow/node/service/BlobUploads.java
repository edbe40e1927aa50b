package org.veriflow.node.service;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.veriflow.contracts.identities.BlobQuota;
import org.veriflow.core.crypto.Hash;
import org.veriflow.ledger.Ledger;

/**
 * The uploads of the {@link BlobStore} by identities: who uploaded each blob and when, each
 * uploader's quota, and the collection of blobs that nothing on chain names.
 *
 * <p>Metadata: for every blob uploaded through {@link #put}, a small properties file {@code
 * root/.uploads/<hash hex>} holds the uploader's identity id, the upload time (milliseconds) and the
 * size, written atomically and durably after the blob itself. It is read back at start, so quotas
 * and upload times survive a restart. A blob without such a file (written by the node itself, by a
 * version that kept no metadata, or whose file a crash lost) belongs to no uploader and counts from
 * its file's modification time.
 *
 * <p>Quota: an uploader's bytes and blobs are the blobs it uploaded first that are still stored,
 * plus the uploads it has in flight; {@link #put} refuses ({@link BlobStore.Reason#QUOTA_EXCEEDED})
 * before storing when a new blob would pass either limit, and stops reading as soon as the bytes
 * read would. Uploading a blob that is already stored refreshes its upload time and charges nothing
 * new (the first uploader stays charged).
 *
 * <p>Collection ({@link #collect}): a blob uploaded (or last re-uploaded) more than the
 * unreferenced time-to-live ago that no committed record names ({@link ChainBlobReferences}) is
 * deleted and stops counting against its uploader. A blob that the chain names is never collected.
 * Uploads and deletions exclude each other, so a blob that is being re-uploaded is not deleted
 * under it.
 *
 * <p>Thread-safe.
 */
public final class BlobUploads implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BlobUploads.class);
  static final String META_DIR = ".uploads";
  private static final String UPLOADER = "uploader";
  private static final String UPLOADED = "uploadedMillis";
  private static final String SIZE = "sizeBytes";

  /** What one identity keeps uploaded on this node now. */
  public record Usage(long bytes, long count) {}

  /** A blob's node-local metadata; {@code uploader} empty when no identity uploaded it. */
  record Meta(String uploader, long uploadedMillis, long sizeBytes) {}

  /** An uploader's accounts: stored blobs, and uploads in flight. Guarded by the monitor of {@code BlobUploads.this}. */
  private static final class Account {
    long bytes;
    long count;
    long inflightBytes;
    long inflightCount;
  }

  private static final java.util.Comparator<Hash> BY_HEX = java.util.Comparator.comparing(Hash::hex);

  private final BlobStore store;
  private final Path metaDir;
  private final Clock clock;
  private final Duration ttl;
  private final UnaryOperator<Set<Hash>> referenced;
  /** Uploads hold the read lock, a collection's deletions the write lock. */
  private final ReadWriteLock deletions = new ReentrantReadWriteLock();
  private final Map<Hash, Meta> metas = new HashMap<>();
  private final Map<String, Account> accounts = new HashMap<>();
  private ScheduledExecutorService collector;

  /**
   * Reads the metadata of every blob uploaded so far.
   *
   * @param store the blob store
   * @param clock gives upload times and the collection's "now"
   * @param ttl how long an unreferenced blob is kept after its upload
   * @param referenced given candidate hashes, those that the committed chain names now (called once
   *     per collection that has candidates)
   * @throws IOException if the metadata directory cannot be created or read
   */
  BlobUploads(BlobStore store, Clock clock, Duration ttl, UnaryOperator<Set<Hash>> referenced) throws IOException {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    this.referenced = Objects.requireNonNull(referenced, "referenced");
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("the unreferenced blob time-to-live must not be negative, not " + ttl);
    }
    this.metaDir = store.root().resolve(META_DIR);
    Files.createDirectories(metaDir);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(metaDir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (!name.matches("[0-9a-f]{64}")) {
          // A temporary file of a write a crash interrupted.
          Files.deleteIfExists(f);
          continue;
        }
        Hash hash = Hash.of(org.veriflow.core.Hex.decode(name));
        Optional<Meta> meta = readMeta(f);
        if (meta.isEmpty() || !store.exists(hash)) {
          Files.deleteIfExists(f);
          continue;
        }
        metas.put(hash, meta.get());
        charge(meta.get(), 1);
      }
    }
  }

  /**
   * The uploads of {@code store} whose references are read from {@code ledger}'s committed state.
   *
   * @param ttl how long an unreferenced blob is kept after its upload
   * @throws IOException if the metadata cannot be read
   */
  public static BlobUploads open(BlobStore store, Ledger ledger, Clock clock, Duration ttl) throws IOException {
    return new BlobUploads(store, clock, ttl, candidates -> ChainBlobReferences.named(ledger, candidates));
  }

  /** The store the uploads go to. */
  public BlobStore store() {
    return store;
  }

  /**
   * What {@code uploader} keeps uploaded now (in-flight uploads not included).
   *
   * @param uploader an identity id
   * @return its bytes and blobs
   */
  public synchronized Usage usage(String uploader) {
    Account a = accounts.get(uploader);
    return a == null ? new Usage(0, 0) : new Usage(a.bytes, a.count);
  }

  /**
   * Whether an upload of {@code declaredBytes} by {@code uploader} fits its quota now, checked before
   * anything is read: the refusal, or empty.
   *
   * @param quota the uploader's quota, or empty if it has none
   * @param declaredBytes the size the request announces, or -1 if it announces none
   */
  public synchronized Optional<BlobStore.Refused> precheck(String uploader, Optional<BlobQuota> quota, long declaredBytes) {
    if (quota.isEmpty()) {
      return Optional.empty();
    }
    Account a = accounts.computeIfAbsent(uploader, u -> new Account());
    return overQuota(uploader, quota.get(), a, Math.max(declaredBytes, 0), 1);
  }

  private static Optional<BlobStore.Refused> overQuota(String uploader, BlobQuota q, Account a, long moreBytes, long moreCount) {
    if (a.count + a.inflightCount + moreCount > q.maxCount()) {
      return Optional.of(new BlobStore.Refused(BlobStore.Reason.QUOTA_EXCEEDED, uploader + " keeps " + a.count + " blobs on this node ("
          + a.inflightCount + " more being uploaded); the chain's quota is " + q.maxCount() + " blobs per identity until unreferenced ones are collected",
          Optional.empty()));
    }
    if (a.bytes + a.inflightBytes + moreBytes > q.maxBytes()) {
      return Optional.of(new BlobStore.Refused(BlobStore.Reason.QUOTA_EXCEEDED, uploader + " keeps " + a.bytes + " bytes of blobs on this node ("
          + a.inflightBytes + " more being uploaded); " + moreBytes + " more would pass the chain's quota of " + q.maxBytes()
          + " bytes per identity", Optional.empty()));
    }
    return Optional.empty();
  }

  /**
   * Stores {@code in} under {@code expected} for {@code uploader} ({@link BlobStore#put}), within its
   * quota: reading stops once the bytes read would pass it.
   *
   * @param uploader the uploading identity's id
   * @param quota its quota, or empty if it has none
   * @return the store's result, or {@link BlobStore.Refused} with {@link
   *     BlobStore.Reason#QUOTA_EXCEEDED}; a refused upload leaves no file and charges nothing
   * @throws IOException if reading {@code in} fails; nothing is kept
   */
  public BlobStore.PutResult put(String uploader, Optional<BlobQuota> quota, Hash expected, InputStream in) throws IOException {
    Objects.requireNonNull(uploader, "uploader");
    Account account;
    synchronized (this) {
      account = accounts.computeIfAbsent(uploader, u -> new Account());
      Optional<BlobStore.Refused> over = quota.flatMap(q -> overQuota(uploader, q, account, 0, 1));
      if (over.isPresent()) {
        return over.get();
      }
      account.inflightCount++;
    }
    QuotaStream counted = new QuotaStream(in, uploader, quota, account);
    deletions.readLock().lock();
    try {
      BlobStore.PutResult result;
      try {
        result = store.put(expected, counted);
      } catch (QuotaReached e) {
        return e.refusal;
      }
      if (result instanceof BlobStore.Stored s) {
        recordUpload(uploader, s);
      }
      return result;
    } finally {
      deletions.readLock().unlock();
      synchronized (this) {
        account.inflightCount--;
        account.inflightBytes -= counted.read;
      }
    }
  }

  /** Records who uploaded {@code s} and when; a blob already recorded only has its time refreshed. */
  private void recordUpload(String uploader, BlobStore.Stored s) throws IOException {
    Meta meta;
    boolean charge;
    synchronized (this) {
      Meta old = metas.get(s.hash());
      charge = old == null;
      meta = new Meta(old == null ? uploader : old.uploader(), clock.millis(), s.sizeBytes());
    }
    writeMeta(s.hash(), meta);
    synchronized (this) {
      metas.put(s.hash(), meta);
      if (charge) {
        charge(meta, 1);
      }
    }
  }

  private void charge(Meta meta, int sign) {
    if (meta.uploader().isEmpty()) {
      return;
    }
    Account a = accounts.computeIfAbsent(meta.uploader(), u -> new Account());
    a.bytes += sign * meta.sizeBytes();
    a.count += sign;
  }

  /**
   * Deletes every blob uploaded longer than the time-to-live ago that no committed record names, and
   * frees its uploader's quota. Blobs without metadata count from their file's modification time;
   * the charge of a blob deleted by other means (a dataset's erasure) is dropped too.
   *
   * @return the hashes deleted, in hash order
   * @throws IOException if the store cannot be listed or a blob cannot be deleted
   */
  public List<Hash> collect() throws IOException {
    long cutoff = clock.millis() - ttl.toMillis();
    List<Hash> stored = storedBlobs();
    forgetDeleted(stored);
    Map<Hash, Long> old = new TreeMap<>(BY_HEX);
    for (Hash h : stored) {
      long uploaded;
      synchronized (this) {
        Meta m = metas.get(h);
        uploaded = m != null ? m.uploadedMillis() : -1;
      }
      if (uploaded < 0) {
        try {
          uploaded = Files.getLastModifiedTime(store.path(h)).toMillis();
        } catch (NoSuchFileException e) {
          continue;
        }
      }
      if (uploaded <= cutoff) {
        old.put(h, uploaded);
      }
    }
    if (old.isEmpty()) {
      return List.of();
    }
    Set<Hash> named = referenced.apply(java.util.Collections.unmodifiableSet(newSorted(old.keySet())));
    List<Hash> deleted = new ArrayList<>();
    deletions.writeLock().lock();
    try {
      for (Hash h : old.keySet()) {
        if (named.contains(h)) {
          continue;
        }
        Meta m;
        synchronized (this) {
          m = metas.get(h);
        }
        if (m != null && m.uploadedMillis() > cutoff) {
          // Re-uploaded since it was listed.
          continue;
        }
        store.delete(h);
        Files.deleteIfExists(metaDir.resolve(h.hex()));
        synchronized (this) {
          Meta removed = metas.remove(h);
          if (removed != null) {
            charge(removed, -1);
          }
        }
        deleted.add(h);
      }
    } finally {
      deletions.writeLock().unlock();
    }
    if (!deleted.isEmpty()) {
      LOG.info("collected {} unreferenced blobs uploaded more than {} ago", deleted.size(), ttl);
    }
    return deleted;
  }

  /**
   * Drops the metadata, and the charge, of blobs deleted by other means (a dataset's erasure), so
   * that their uploader's quota is freed.
   */
  private void forgetDeleted(List<Hash> stored) throws IOException {
    Set<Hash> present = newSorted(new java.util.HashSet<>(stored));
    List<Hash> gone = new ArrayList<>();
    deletions.writeLock().lock();
    try {
      synchronized (this) {
        for (Hash h : metas.keySet()) {
          if (!present.contains(h) && !store.exists(h)) {
            gone.add(h);
          }
        }
      }
      for (Hash h : gone) {
        Files.deleteIfExists(metaDir.resolve(h.hex()));
        synchronized (this) {
          Meta removed = metas.remove(h);
          if (removed != null) {
            charge(removed, -1);
          }
        }
      }
    } finally {
      deletions.writeLock().unlock();
    }
  }

  /**
   * Runs {@link #collect} every {@code interval} on a daemon thread until {@link #close}.
   *
   * @throws IllegalStateException if already started
   */
  public synchronized void start(Duration interval) {
    if (collector != null) {
      throw new IllegalStateException("blob collection is already scheduled");
    }
    collector = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "veriflow-blob-collector");
      t.setDaemon(true);
      return t;
    });
    collector.scheduleWithFixedDelay(() -> {
      try {
        collect();
      } catch (IOException | RuntimeException e) {
        LOG.warn("collecting unreferenced blobs failed; trying again in {}", interval, e);
      }
    }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops the periodic collection, if started. */
  @Override
  public synchronized void close() {
    if (collector != null) {
      collector.shutdownNow();
    }
  }

  private static Set<Hash> newSorted(Set<Hash> hashes) {
    Set<Hash> s = new java.util.TreeSet<>(BY_HEX);
    s.addAll(hashes);
    return s;
  }

  /** Every blob in the store, read from its directories. */
  private List<Hash> storedBlobs() throws IOException {
    List<Hash> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(store.root(), "[0-9a-f][0-9a-f]")) {
      for (Path d : dirs) {
        if (!Files.isDirectory(d)) {
          continue;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(d)) {
          for (Path f : files) {
            String hex = d.getFileName() + f.getFileName().toString();
            if (hex.matches("[0-9a-f]{64}")) {
              out.add(Hash.of(org.veriflow.core.Hex.decode(hex)));
            }
          }
        }
      }
    }
    return out;
  }

  /** The metadata of a blob, or empty if unknown to this service. */
  synchronized Optional<Meta> meta(Hash hash) {
    return Optional.ofNullable(metas.get(hash));
  }

  private void writeMeta(Hash hash, Meta meta) throws IOException {
    Properties p = new Properties();
    p.setProperty(UPLOADER, meta.uploader());
    p.setProperty(UPLOADED, Long.toString(meta.uploadedMillis()));
    p.setProperty(SIZE, Long.toString(meta.sizeBytes()));
    Path temp = Files.createTempFile(metaDir, ".meta-", ".part");
    try {
      try (Writer w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
        p.store(w, null);
      }
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      try {
        Files.move(temp, metaDir.resolve(hash.hex()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, metaDir.resolve(hash.hex()), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static Optional<Meta> readMeta(Path f) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Meta(p.getProperty(UPLOADER, ""), Long.parseLong(p.getProperty(UPLOADED, "")), Long.parseLong(p.getProperty(SIZE, ""))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Thrown by {@link QuotaStream} when the bytes read would pass the uploader's quota. */
  private static final class QuotaReached extends IOException {
    private static final long serialVersionUID = 1L;
    final transient BlobStore.Refused refusal;

    QuotaReached(BlobStore.Refused refusal) {
      super(refusal.message());
      this.refusal = refusal;
    }
  }

  /** Counts the bytes read into the uploader's in-flight bytes and stops at its quota. */
  private final class QuotaStream extends FilterInputStream {
    private final String uploader;
    private final Optional<BlobQuota> quota;
    private final Account account;
    long read;

    QuotaStream(InputStream in, String uploader, Optional<BlobQuota> quota, Account account) {
      super(in);
      this.uploader = uploader;
      this.quota = quota;
      this.account = account;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        synchronized (BlobUploads.this) {
          read += n;
          account.inflightBytes += n;
          // In flight, this upload counts as one of the blobs already: compare bytes only.
          Optional<BlobStore.Refused> over = quota.flatMap(q -> overQuota(uploader, q, account, 0, 0));
          if (over.isPresent()) {
            throw new QuotaReached(over.get());
          }
        }
      }
      return n;
    }
  }
}
