package org.veriflow.cli.cluster;

import java.util.Locale;
import java.util.Objects;

/**
 * A block as one member has it: its height, its hash and the state hash its header records. Hex is
 * kept in lower case, so that two members' heads are equal exactly when they name the same block
 * and state.
 */
public record Head(long height, String blockHash, String stateHash) {
  public Head {
    blockHash = Objects.requireNonNull(blockHash, "blockHash").toLowerCase(Locale.ROOT);
    stateHash = Objects.requireNonNull(stateHash, "stateHash").toLowerCase(Locale.ROOT);
  }

  /** The first {@code n} characters of a hash, for tables; the whole hash when it is shorter. */
  public static String shortHash(String hex, int n) {
    return hex.length() <= n ? hex : hex.substring(0, n);
  }
}
