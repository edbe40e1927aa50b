package org.veriflow.core.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.veriflow.core.crypto.Hash;

/**
 * RFC 6962 section 2.1 written out literally, as the reference for {@link MerkleLog}: MTH by the
 * recursive definition, PATH and PROOF/SUBPROOF exactly as the RFC states them. Hashes with its own
 * {@link MessageDigest} so that it shares no code with {@link MerkleHashes}. Results of MTH over a
 * range are memoised, which changes nothing but the running time.
 */
final class NaiveMerkle {
  private final List<byte[]> leafData;
  private final Hash[][] memo;

  NaiveMerkle(List<byte[]> leafData) {
    this.leafData = List.copyOf(leafData);
    this.memo = new Hash[leafData.size() + 1][leafData.size() + 1];
  }

  /** MTH(D[start:end]). */
  Hash mth(int start, int end) {
    Hash cached = memo[start][end];
    if (cached != null) {
      return cached;
    }
    int n = end - start;
    Hash h;
    if (n == 0) {
      h = sha256(new byte[0]);
    } else if (n == 1) {
      h = sha256(new byte[] {0x00}, leafData.get(start));
    } else {
      int k = largestPowerOfTwoLessThan(n);
      h = sha256(new byte[] {0x01}, mth(start, start + k).bytes(), mth(start + k, end).bytes());
    }
    memo[start][end] = h;
    return h;
  }

  Hash leafHash(int index) {
    return mth(index, index + 1);
  }

  /** PATH(m, D[0:n]). */
  List<Hash> path(int m, int n) {
    List<Hash> out = new ArrayList<>();
    path(m, 0, n, out);
    return out;
  }

  private void path(int m, int start, int end, List<Hash> out) {
    int n = end - start;
    if (n <= 1) {
      return;
    }
    int k = largestPowerOfTwoLessThan(n);
    if (m < k) {
      path(m, start, start + k, out);
      out.add(mth(start + k, end));
    } else {
      path(m - k, start + k, end, out);
      out.add(mth(start, start + k));
    }
  }

  /** PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true); empty for m = 0 as Veriflow defines it. */
  List<Hash> proof(int m, int n) {
    List<Hash> out = new ArrayList<>();
    if (m > 0) {
      subproof(m, 0, n, true, out);
    }
    return out;
  }

  private void subproof(int m, int start, int end, boolean b, List<Hash> out) {
    int n = end - start;
    if (m == n) {
      if (!b) {
        out.add(mth(start, end));
      }
      return;
    }
    int k = largestPowerOfTwoLessThan(n);
    if (m <= k) {
      subproof(m, start, start + k, b, out);
      out.add(mth(start + k, end));
    } else {
      subproof(m - k, start + k, end, false, out);
      out.add(mth(start, start + k));
    }
  }

  private static int largestPowerOfTwoLessThan(int n) {
    int k = 1;
    while (k * 2 < n) {
      k *= 2;
    }
    return k;
  }

  private static Hash sha256(byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) {
        md.update(p);
      }
      return Hash.of(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
