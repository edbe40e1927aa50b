package org.veriflow.node.http;

import org.veriflow.protocol.http.CheckpointSigner;
import org.veriflow.protocol.http.Cluster;
import org.veriflow.protocol.http.ClusterFollower;
import org.veriflow.protocol.http.ClusterPeer;
import org.veriflow.protocol.http.CommittedBlock;
import org.veriflow.protocol.http.CommittedBlocks;
import org.veriflow.protocol.http.SignedCheckpoint;

import com.google.protobuf.ByteString;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.Checkpoint;
import org.veriflow.ledger.BlockRecord;
import org.veriflow.ledger.Ledger;
import org.veriflow.raft.ClusterMember;
import org.veriflow.raft.ClusterStatus;
import org.veriflow.raft.RaftOrderer;

/**
 * The cluster's view from this node ({@code GET /v1/cluster}), the committed blocks a member
 * catching up fetches ({@code GET /v1/cluster/blocks}), and this node's signed checkpoints
 * ({@code GET /v1/checkpoints/{height}}), which an auditor compares across nodes.
 */
final class ClusterApi {
  /** Most blocks, and most bytes of blocks, in one answer to a member catching up. */
  static final int MAX_BLOCKS = 256;
  static final long MAX_BLOCK_BYTES_PER_ANSWER = 32L << 20;

  private final Ledger ledger;
  private final RaftOrderer orderer;
  private final SigningKey nodeKey;

  /** @param orderer the cluster orderer, or null on a single node */
  ClusterApi(Ledger ledger, RaftOrderer orderer, SigningKey nodeKey) {
    this.ledger = ledger;
    this.orderer = orderer;
    this.nodeKey = nodeKey;
  }

  void routes(Javalin app) {
    QueryParameters.get(app, "/v1/cluster", this::cluster);
    QueryParameters.get(app, "/v1/cluster/blocks", this::blocks, "after", "max");
    QueryParameters.get(app, "/v1/checkpoints/{height}", this::checkpoint);
  }

  private void cluster(Context ctx) {
    BlockRecord head = ledger.head();
    String chainId = ledger.chainId();
    String stateHash = Hex.encode(head.header().getStateHash().toByteArray());
    if (orderer == null) {
      Json.answer(ctx, new Cluster(false, null, "SOLO", null, 0, 0, 0, 0, List.of(), List.of(), chainId, head.height(), head.hash().hex(),
          stateHash));
      return;
    }
    ClusterStatus s = orderer.status();
    List<ClusterPeer> members = new ArrayList<>();
    for (ClusterMember m : s.members()) {
      members.add(new ClusterPeer(m.id(), m.raftAddress(), m.apiUrl().toString()));
    }
    List<ClusterFollower> followers = new ArrayList<>();
    for (ClusterStatus.Follower f : s.followers()) {
      followers.add(new ClusterFollower(f.id(), f.matchIndex(), f.lastContactMillis()));
    }
    Json.answer(ctx, new Cluster(true, s.self(), s.role(), s.leader(), s.term(), s.commitIndex(), s.appliedIndex(), s.logStartIndex(), members,
        followers, chainId, head.height(), head.hash().hex(), stateHash));
  }

  private void blocks(Context ctx) {
    long after = HttpApi.longParam(ctx.queryParam("after"), "after");
    long max = ctx.queryParam("max") == null ? MAX_BLOCKS : HttpApi.longParam(ctx.queryParam("max"), "max");
    if (max < 1 || max > MAX_BLOCKS) {
      throw new HttpApi.BadRequest("INVALID_RANGE", "max must be 1.." + MAX_BLOCKS + ", not " + max);
    }
    long head = ledger.head().height();
    List<CommittedBlock> blocks = new ArrayList<>();
    Base64.Encoder b64 = Base64.getEncoder();
    long bytes = 0;
    for (long h = after + 1; h <= head && h <= after + max && (bytes < MAX_BLOCK_BYTES_PER_ANSWER || blocks.isEmpty()); h++) {
      BlockRecord b = ledger.block(h).orElseThrow(() -> new IllegalStateException("committed block is missing"));
      byte[] raw = b.block().toByteArray();
      bytes += raw.length;
      Optional<byte[]> position = ledger.ordererPosition(h);
      blocks.add(new CommittedBlock(h, b64.encodeToString(raw), position.map(b64::encodeToString).orElse(null)));
    }
    Json.answer(ctx, new CommittedBlocks(head, blocks));
  }

  private void checkpoint(Context ctx) {
    String p = ctx.pathParam("height");
    long height = "latest".equals(p) ? ledger.head().height() : HttpApi.longParam(p, "height");
    Optional<BlockRecord> b = height <= ledger.head().height() ? ledger.block(height) : Optional.empty();
    if (b.isEmpty()) {
      HttpApi.problem(ctx, 404, "UNKNOWN_BLOCK", "no block at height " + height + "; the head is " + ledger.head().height());
      return;
    }
    BlockRecord block = b.get();
    byte[] checkpoint = Checkpoint.newBuilder()
        .setChainId(ledger.chainId())
        .setHeight(height)
        .setBlockHash(ByteString.copyFrom(block.hash().bytes()))
        .setStateHash(block.header().getStateHash())
        .build()
        .toByteArray();
    Json.answer(ctx, new SignedCheckpoint(ledger.chainId(), height, block.hash().hex(), Hex.encode(block.header().getStateHash().toByteArray()),
        new CheckpointSigner(nodeKey.id().value(), nodeKey.algorithm().name(), Hex.encode(nodeKey.publicKey().encoded())),
        Base64.getEncoder().encodeToString(checkpoint), Base64.getEncoder().encodeToString(nodeKey.sign(checkpoint))));
  }
}
