package org.veriflow.raft;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.veriflow.ledger.Rejection;
import org.veriflow.ledger.VerifiedTx;

/**
 * How this node reaches another member outside Raft, through that member's API: the node supplies
 * it (over HTTP), so that this module needs no HTTP client of its own.
 */
public interface LeaderLink {
  /**
   * Relays transactions to {@code leader} for ordering, together.
   *
   * @return per transaction, in order: empty once the leader accepted it into its pool; else the
   *     leader's refusal, or {@code LEADER_UNREACHABLE} if it could not be reached
   */
  List<Optional<Rejection>> relay(ClusterMember leader, List<VerifiedTx> txs);

  /**
   * Up to {@code max} committed blocks of {@code member} after height {@code afterHeight}, in
   * height order, each with the orderer position stored with it.
   */
  List<PositionedBlock> blocksAfter(ClusterMember member, long afterHeight, int max) throws IOException;

  /** A block's bytes exactly as stored by the member, and its orderer position (null if none). */
  record PositionedBlock(byte[] block, byte[] position) {}
}
