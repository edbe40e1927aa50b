package org.veriflow.protocol.http;

import java.util.List;

/**
 * {@code GET /v1/cluster/blocks?after&max}: committed blocks for a member catching up.
 *
 * @param head the answering node's head height
 * @param blocks the blocks after {@code after}, in height order
 */
public record CommittedBlocks(long head, List<CommittedBlock> blocks) {
  /** Copies the list. */
  public CommittedBlocks {
    blocks = List.copyOf(blocks);
  }
}
