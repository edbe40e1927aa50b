package org.veriflow.node.service;

import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.veriflow.core.crypto.Hash;
import org.veriflow.ledger.Ledger;

/**
 * Federated models fetched for the plain blob API when this node does not hold them yet: a round's
 * global model is first stored on the aggregator's node (and on validators once their recomputation
 * matched), while participants read it from whichever node they use. A blob is fetched from the
 * other members ({@link PeerBlobs}: checked against its hash, bounded in size) and stored here only
 * if the committed fl state names it as a model ({@link ChainBlobReferences#namesFlModel}: a task's
 * initial model, a round's base model, an update, a result's global model) and it is not a dataset's
 * ciphertext ({@link ProtectedBlobs}, served only through a grant's signed download). Any other hash
 * is never asked of the members, so a request cannot make the cluster move blobs it does not name.
 * A single node, and a request that comes from another member's fetch, never fetch. Concurrent
 * requests for the same blob fetch it once. Thread-safe.
 */
public final class ModelBlobsOnDemand {
  private static final Logger LOG = LoggerFactory.getLogger(ModelBlobsOnDemand.class);

  private final BlobStore blobs;
  private final PeerBlobs peers;
  private final Predicate<Hash> protectedBlob;
  private final Predicate<Hash> namedModel;
  /** A lock per blob being fetched. */
  private final ConcurrentHashMap<Hash, Object> fetching = new ConcurrentHashMap<>();

  /**
   * @param ledger the node's ledger, whose committed fl state says which hashes are models
   * @param blobs the node's blob store, where a fetched blob is kept
   * @param peers the other members; {@link PeerBlobs#none()} on a single node
   * @param datasetCiphertexts the blobs never fetched on demand
   */
  public ModelBlobsOnDemand(Ledger ledger, BlobStore blobs, PeerBlobs peers, ProtectedBlobs datasetCiphertexts) {
    this(blobs, peers, datasetCiphertexts::contains, new NamedAtHead(ledger));
  }

  /**
   * Whether the fl state names a hash as a model, reading the fl records once per committed head
   * rather than once per request: requests for blobs a node lacks cost one set lookup between blocks.
   * A set read while a block commits may be a block newer than the height it is kept for; it is then
   * read again at the next request, never used stale. Thread-safe.
   */
  static final class NamedAtHead implements Predicate<Hash> {
    private final Ledger ledger;
    private long height = -1;
    private Set<ByteString> names = Set.of();

    NamedAtHead(Ledger ledger) {
      this.ledger = ledger;
    }

    @Override
    public synchronized boolean test(Hash hash) {
      long head = ledger.head().height();
      if (head != height) {
        names = ChainBlobReferences.flModelHashes(ledger);
        height = head;
      }
      return names.contains(ByteString.copyFrom(hash.bytes()));
    }
  }

  ModelBlobsOnDemand(BlobStore blobs, PeerBlobs peers, Predicate<Hash> protectedBlob, Predicate<Hash> namedModel) {
    this.blobs = blobs;
    this.peers = peers;
    this.protectedBlob = protectedBlob;
    this.namedModel = namedModel;
  }

  /**
   * Fetches blob {@code hash} from another member into this node's store, if the store lacks it and
   * the chain names it as a federated model. Cheap checks first: the store, then whether there is any
   * member to ask, then the dataset ciphertexts, and only then the fl records of the state.
   *
   * @param hash the blob asked for, which this node's store lacks
   * @return whether the store holds it now: stored meanwhile, or fetched and stored by this call;
   *     false for a blob the chain does not name as a model, a protected blob, a single node, a blob
   *     no member holds with the right bytes within the size bound, or one the store refuses (full)
   * @throws IOException if this node's blob store fails
   */
  public boolean fetch(Hash hash) throws IOException {
    if (blobs.exists(hash)) {
      return true;
    }
    if (peers.alone() || protectedBlob.test(hash) || !namedModel.test(hash)) {
      return false;
    }
    Object lock = fetching.computeIfAbsent(hash, h -> new Object());
    try {
      synchronized (lock) {
        if (blobs.exists(hash)) {
          return true;
        }
        long maxBytes = Math.min(FederatedRounds.MAX_MODEL_BYTES, blobs.maxBytes());
        Optional<byte[]> bytes = peers.fetch(hash, maxBytes);
        if (bytes.isEmpty()) {
          LOG.info("model blob {} asked of this node is on no other member", hash);
          return false;
        }
        BlobStore.PutResult put = blobs.put(hash, new ByteArrayInputStream(bytes.get()));
        if (put instanceof BlobStore.Refused r) {
          LOG.warn("model blob {} fetched from another member but not stored here: {} {}", hash, r.reason(), r.message());
          return false;
        }
        LOG.info("model blob {} fetched from another member for a download", hash);
        return true;
      }
    } finally {
      fetching.remove(hash, lock);
    }
  }
}
