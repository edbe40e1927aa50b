package org.veriflow.contracts.fl;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The split of a completed task's reward pool: proportional to each participant's positive
 * contribution, in whole credits, rounded down; what rounding leaves (and the whole pool when no
 * participant contributed anything positive) returns to the owner.
 *
 * <p>{@code reward_i = floor(pool × max(0, c_i) / Σ_j max(0, c_j))}, computed exactly (BigInteger),
 * so the rewards never sum to more than the pool and the remainder is below the number of
 * participants with a positive contribution.
 */
final class Rewards {
  private Rewards() {}

  /**
   * The split of {@code pool}.
   *
   * @param pool the credits escrowed, 0 or more
   * @param contributionMicros each participant's summed contribution, in participant order
   * @return the rewards, in the same order, and the refund
   * @throws IllegalArgumentException if {@code pool} is negative
   */
  static Split split(long pool, List<Long> contributionMicros) {
    if (pool < 0) {
      throw new IllegalArgumentException("a reward pool is not negative, not " + pool);
    }
    BigInteger total = BigInteger.ZERO;
    for (long c : contributionMicros) {
      total = total.add(BigInteger.valueOf(Math.max(0, c)));
    }
    List<Long> rewards = new ArrayList<>(contributionMicros.size());
    long paid = 0;
    for (long c : contributionMicros) {
      long reward = total.signum() == 0 ? 0
          : BigInteger.valueOf(pool).multiply(BigInteger.valueOf(Math.max(0, c))).divide(total).longValueExact();
      rewards.add(reward);
      paid += reward;
    }
    return new Split(rewards, pool - paid);
  }

  /**
   * @param rewards each participant's reward, in participant order
   * @param refund what returns to the owner
   */
  record Split(List<Long> rewards, long refund) {
    Split {
      rewards = List.copyOf(rewards);
    }
  }
}
