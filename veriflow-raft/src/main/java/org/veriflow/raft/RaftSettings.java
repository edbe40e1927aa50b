package org.veriflow.raft;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/** The Ratis settings that matter, pinned here with the reason for each rather than left to defaults. */
final class RaftSettings {
  /** Room in one Raft entry beyond the block's transactions: the header, the signatures, Ratis's own fields. */
  static final long ENTRY_OVERHEAD_BYTES = 64 * 1024;

  private RaftSettings() {}

  static RaftProperties of(ClusterSettings s) {
    RaftProperties p = new RaftProperties();
    RaftServerConfigKeys.setStorageDir(p, List.of(s.storageDir().toFile()));
    ClusterMember self = s.self();
    GrpcConfigKeys.Server.setHost(p, self.raftHost());
    GrpcConfigKeys.Server.setPort(p, self.raftPort());

    // One block is one entry. Ratis refuses to append an entry larger than the appender's buffer,
    // its log writer needs a buffer of the entry plus 8 bytes (length and checksum), and gRPC must
    // carry the entry with its envelope: all derived from the largest block, so that any block the
    // orderer cuts can be replicated.
    long entryLimit = s.maxBlockBytes() + ENTRY_OVERHEAD_BYTES;
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(entryLimit));
    RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(entryLimit + 8));
    GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(entryLimit + (1 << 20)));
    // Segments close at this size (an entry larger than a segment gets one of its own); only closed
    // segments are purged after a snapshot.
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(s.logSegmentBytes()));
    // The pending-request queue holds whole blocks; a few at most are in flight.
    RaftServerConfigKeys.Write.setByteLimit(p, SizeInBytes.valueOf(Math.max(64L << 20, 4 * entryLimit)));

    // An entry is acknowledged only once it is on disk: no unsafe flush, no asynchronous flush.
    // A transaction is acknowledged only after its block is committed by a majority, so every
    // member of that majority must have the block durable, or a crash could lose it.
    RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, false);
    RaftServerConfigKeys.Log.setAsyncFlushEnabled(p, false);
    // A corrupt log stops the server instead of silently dropping the entries after the damage.
    RaftServerConfigKeys.Log.setCorruptionPolicy(p, RaftServerConfigKeys.Log.CorruptionPolicy.EXCEPTION);

    // Reads that must see the latest commit (a sender's next nonce) go through Raft's read index
    // on any member: the member learns the leader's commit index and waits to have applied it.
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Read.setTimeout(p, duration(s.requestTimeout().toMillis()));

    // Timeouts: on a loaded machine garbage-collection pauses must not depose a healthy leader, so
    // the election timeout is configurable and its maximum twice its minimum (Raft's randomisation).
    long election = s.electionTimeout().toMillis();
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, duration(election));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, duration(2 * election));
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, duration(election));
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, duration(2 * election));
    RaftServerConfigKeys.Rpc.setRequestTimeout(p, duration(Math.max(3000, 3 * election)));
    // Pre-vote: a member that was cut off does not raise the term and depose the leader on return.
    RaftServerConfigKeys.LeaderElection.setPreVote(p, true);

    // Snapshots are the ledger itself (blocks in RocksDB). Ratis never ships snapshot files: a
    // follower behind the purged log is told to install a snapshot and fetches the missing blocks
    // from the leader's API, re-executing and checking each one.
    RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, false);
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, s.snapshotInterval());
    RaftServerConfigKeys.Snapshot.setCreationGap(p, Math.min(1024, s.snapshotInterval()));
    RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(1024, s.snapshotInterval()));
    // Purge up to the snapshot even past a member that is down (otherwise one dead member would let
    // the log grow without bound), but keep the last interval's entries so that a member that is
    // merely lagging catches up from the log; one that was down for longer fetches blocks.
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Log.setPurgePreservationLogNum(p, s.snapshotInterval());

    // Ratis's retry cache forgets a request after this; it is not what stops duplicates: the ledger
    // refuses a transaction id already committed, for ever.
    RaftServerConfigKeys.RetryCache.setExpiryTime(p, duration(60_000));
    return p;
  }

  /**
   * The Ratis parameters: with {@code tls}, mutual TLS on the server, client and admin gRPC services
   * (Ratis's own TLS: its Netty server and channels with our key and trust managers), and every Raft
   * request bound to the member its certificate names.
   */
  static Parameters parameters(ClusterSettings s, Optional<ClusterTls> tls) {
    Parameters parameters = new Parameters();
    if (tls.isEmpty()) {
      return parameters;
    }
    ClusterTls t = tls.get();
    MemberTrustManager trust = new MemberTrustManager(t.authorities(), new MemberCertificates(s, t.nodeKeys()), s);
    GrpcTlsConfig config = new GrpcTlsConfig(t.keyManager(), trust, true);
    GrpcConfigKeys.Server.setTlsConf(parameters, config);
    GrpcConfigKeys.Client.setTlsConf(parameters, config);
    GrpcConfigKeys.Admin.setTlsConf(parameters, config);
    MemberInterceptor interceptor = new MemberInterceptor();
    GrpcConfigKeys.Server.setServicesCustomizer(parameters, (builder, types) -> builder.intercept(interceptor));
    return parameters;
  }

  private static TimeDuration duration(long millis) {
    return TimeDuration.valueOf(millis, TimeUnit.MILLISECONDS);
  }
}
