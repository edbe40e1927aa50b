package org.veriflow.protocol.http;

import java.util.List;

/**
 * Who may be granted a dataset version, for what, for how long and at what price.
 *
 * @param identities identities that may be granted it (empty: any)
 * @param organisations organisations whose members may be granted it (empty: any)
 * @param roles roles that may be granted it (empty: any)
 * @param purposes purposes it may be used for (empty: any)
 * @param expiryHeight the height grants expire at (0: never)
 * @param expiryMillis the time grants expire at (0: never)
 * @param price the credits a grant costs
 * @param maxReads the reads a grant allows (0: unlimited)
 * @param autoGrant whether a request that fits the policy is granted at once
 */
public record DatasetPolicy(List<String> identities, List<String> organisations, List<String> roles, List<String> purposes,
    long expiryHeight, long expiryMillis, long price, long maxReads, boolean autoGrant) {
  /** Copies the lists. */
  public DatasetPolicy {
    identities = List.copyOf(identities);
    organisations = List.copyOf(organisations);
    roles = List.copyOf(roles);
    purposes = List.copyOf(purposes);
  }
}
