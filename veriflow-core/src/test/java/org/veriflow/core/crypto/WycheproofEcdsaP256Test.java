package org.veriflow.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.veriflow.core.Hex;
import org.veriflow.core.testing.Bytes;
import org.veriflow.core.testing.CaseFailures;
import org.veriflow.core.testing.Vectors;

/**
 * Every case of Project Wycheproof's ECDSA P-256/SHA-256 files, DER signatures through {@link
 * PublicKey#verifyDer} and IEEE P1363 ({@code r || s}) signatures through {@link PublicKey#verify}.
 *
 * <p>Veriflow's P-256 is low-S only, so the expectations differ from Wycheproof's on one point:
 *
 * <ul>
 *   <li>{@code valid} with {@code s <= n/2}: must be {@link SignatureCheck#VALID}.
 *   <li>{@code valid} with {@code s > n/2}: must be {@link SignatureCheck#HIGH_S}; its twin with
 *       {@code s' = n - s} must then be VALID.
 *   <li>{@code invalid}: must not be VALID.
 *   <li>{@code acceptable}: neither file has any today. Should a later version add some, each must be
 *       rejected and each of its flags must be documented in {@link #ACCEPTABLE_FLAGS}; an
 *       undocumented flag fails the test so that someone decides.
 *   <li>Keys arrive uncompressed in {@code publicKeyDer}; they are read with {@link
 *       PublicKey#fromSpki}, which stores the 33-byte compressed point. A key it refuses counts as
 *       rejecting every case of its group.
 * </ul>
 */
class WycheproofEcdsaP256Test {
  private static final String DER_FILE = "wycheproof/ecdsa_secp256r1_sha256_test.json";
  private static final String P1363_FILE = "wycheproof/ecdsa_secp256r1_sha256_p1363_test.json";
  private static final BigInteger HALF_N = Bytes.P256_N.shiftRight(1);

  /** Flags under which an {@code acceptable} case is rejected by Veriflow, and why. */
  private static final Map<String, String> ACCEPTABLE_FLAGS =
      Map.of(
          "BerEncodedSignature", "only strict DER: a BER variant is a second encoding of the same signature",
          "MissingZero", "an INTEGER without its leading zero byte is negative in DER, so r or s is out of range",
          "SignatureSize", "P1363 signatures are exactly 64 bytes");

  private enum Encoding {
    DER,
    P1363
  }

  @Test
  void verifyDer_everyWycheproofCase_matchesLowSPolicy() {
    Tally tally = runAll(DER_FILE, Encoding.DER);
    assertThat(tally.highS).as("valid cases with s > n/2").isEqualTo(71);
    assertThat(tally.lowS).as("valid cases with s <= n/2").isEqualTo(103);
  }

  @Test
  void verify_everyWycheproofP1363Case_matchesLowSPolicy() {
    Tally tally = runAll(P1363_FILE, Encoding.P1363);
    assertThat(tally.highS).as("valid cases with s > n/2").isEqualTo(70);
    assertThat(tally.lowS).as("valid cases with s <= n/2").isEqualTo(103);
  }

  @Test
  void verifyDer_validCaseNormalisedOrModified_validOnlyWhenUnmodified() {
    runSiblings(DER_FILE, Encoding.DER);
  }

  @Test
  void verify_validP1363CaseNormalisedOrModified_validOnlyWhenUnmodified() {
    runSiblings(P1363_FILE, Encoding.P1363);
  }

  @Test
  void decode_compressedWycheproofKeys_equalSpkiDecoding() {
    CaseFailures failures = new CaseFailures("public keys of both ECDSA files");
    for (String name : List.of(DER_FILE, P1363_FILE)) {
      for (JsonNode g : Vectors.json(name).get("testGroups")) {
        byte[] uncompressed = Hex.decode(g.at("/publicKey/uncompressed").asText());
        String id = name + " key " + Hex.encode(uncompressed);
        PublicKey fromSpki = decodeOrNull(() -> PublicKey.fromSpki(Hex.decode(g.get("publicKeyDer").asText())));
        PublicKey fromPoint = decodeOrNull(() -> PublicKey.decode(SignatureAlgorithm.P256, Bytes.compressPoint(uncompressed)));
        failures.check(id, fromSpki != null && fromSpki.equals(fromPoint), "SPKI gave " + fromSpki + ", compressed point gave " + fromPoint);
        if (fromSpki != null) {
          failures.check(id + " encoded length", fromSpki.encoded().length == 33, "encoded as " + fromSpki.encoded().length + " bytes");
        }
      }
    }
    failures.assertNoneFailed();
  }

  private static Tally runAll(String name, Encoding encoding) {
    JsonNode file = Vectors.json(name);
    CaseFailures failures = new CaseFailures(name);
    Tally tally = new Tally();
    for (JsonNode g : file.get("testGroups")) {
      KeyOrError key = KeyOrError.of(g);
      for (JsonNode t : g.get("tests")) {
        String id = caseId(t);
        byte[] msg = Hex.decode(t.get("msg").asText());
        byte[] sig = Hex.decode(t.get("sig").asText());
        String result = t.get("result").asText();
        SignatureCheck actual;
        try {
          actual = key.key == null ? null : check(key.key, encoding, msg, sig);
        } catch (RuntimeException e) {
          failures.failed(id, "verification threw " + e);
          continue;
        }
        String seen = actual == null ? "public key rejected: " + key.error : String.valueOf(actual);
        switch (result) {
          case "valid" -> {
            BigInteger s = sOf(encoding, sig);
            SignatureCheck expected = s.compareTo(HALF_N) > 0 ? SignatureCheck.HIGH_S : SignatureCheck.VALID;
            if (expected == SignatureCheck.HIGH_S) {
              tally.highS++;
            } else {
              tally.lowS++;
            }
            String sSize = expected == SignatureCheck.HIGH_S ? "high" : "low";
            failures.check(id, actual == expected, "valid case with " + sSize + " S: expected " + expected + ", got " + seen);
          }
          case "invalid" -> failures.check(id, actual != SignatureCheck.VALID, "invalid case was accepted");
          case "acceptable" -> {
            List<String> undocumented = new ArrayList<>();
            t.get("flags").forEach(f -> {
              if (!ACCEPTABLE_FLAGS.containsKey(f.asText())) {
                undocumented.add(f.asText());
              }
            });
            failures.check(id, undocumented.isEmpty() && actual != SignatureCheck.VALID,
                undocumented.isEmpty() ? "acceptable case was accepted" : "acceptable case with undecided flags " + undocumented);
          }
          default -> failures.failed(id, "unknown result '" + result + "'");
        }
      }
    }
    assertThat(failures.cases()).as("cases read").isEqualTo(file.get("numberOfTests").asInt());
    failures.assertNoneFailed();
    return tally;
  }

  /**
   * For each valid case: the low-S form {@code r || min(s, n - s)} is VALID through {@link
   * PublicKey#verify} (and, for DER, through {@link PublicKey#verifyDer} in strict DER); with a
   * modified message it is INVALID; with a bit of r or s flipped it is not VALID; and for DER, a
   * trailing byte after the signature is MALFORMED_SIGNATURE.
   */
  private static void runSiblings(String name, Encoding encoding) {
    CaseFailures failures = new CaseFailures(name + " (low-S twins and negative siblings of valid cases)");
    for (JsonNode g : Vectors.json(name).get("testGroups")) {
      KeyOrError key = KeyOrError.of(g);
      if (key.key == null) {
        continue;
      }
      for (JsonNode t : g.get("tests")) {
        if (!"valid".equals(t.get("result").asText())) {
          continue;
        }
        String id = caseId(t);
        byte[] msg = Hex.decode(t.get("msg").asText());
        byte[] sig = Hex.decode(t.get("sig").asText());
        BigInteger r = rOf(encoding, sig);
        BigInteger s = sOf(encoding, sig);
        byte[] lowS = Bytes.p1363(r, s.min(Bytes.P256_N.subtract(s)));
        SignatureCheck twin = key.key.verify(msg, lowS);
        failures.check(id + " low-S form", twin == SignatureCheck.VALID, "gave " + twin);
        SignatureCheck wrongMessage = key.key.verify(Bytes.modifiedMessage(msg), lowS);
        failures.check(id + " modified message", wrongMessage == SignatureCheck.INVALID, "gave " + wrongMessage);
        for (int bit : new int[] {1, 200, 257, 500}) {
          SignatureCheck wrongSig = key.key.verify(msg, Bytes.flipBit(lowS, bit));
          failures.check(id + " bit " + bit + " flipped", wrongSig != SignatureCheck.VALID, "was accepted");
        }
        if (encoding == Encoding.DER) {
          SignatureCheck twinDer = key.key.verifyDer(msg, Bytes.rsToDer(r, s.min(Bytes.P256_N.subtract(s))));
          failures.check(id + " low-S form in DER", twinDer == SignatureCheck.VALID, "gave " + twinDer);
          byte[] trailing = Arrays.copyOf(sig, sig.length + 1);
          SignatureCheck withTrailing = key.key.verifyDer(msg, trailing);
          failures.check(id + " trailing byte", withTrailing == SignatureCheck.MALFORMED_SIGNATURE, "gave " + withTrailing);
        }
      }
    }
    assertThat(failures.cases()).as("sibling cases").isGreaterThan(0);
    failures.assertNoneFailed();
  }

  private static SignatureCheck check(PublicKey key, Encoding encoding, byte[] msg, byte[] sig) {
    return encoding == Encoding.DER ? key.verifyDer(msg, sig) : key.verify(msg, sig);
  }

  private static BigInteger rOf(Encoding encoding, byte[] sig) {
    return encoding == Encoding.DER ? Bytes.derToRs(sig)[0] : Bytes.p1363R(sig);
  }

  private static BigInteger sOf(Encoding encoding, byte[] sig) {
    return encoding == Encoding.DER ? Bytes.derToRs(sig)[1] : Bytes.p1363S(sig);
  }

  private static String caseId(JsonNode t) {
    return "tcId " + t.get("tcId").asInt() + " [" + t.get("comment").asText() + "] " + t.get("flags");
  }

  private static PublicKey decodeOrNull(java.util.function.Supplier<PublicKey> decoder) {
    try {
      return decoder.get();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static final class Tally {
    int highS;
    int lowS;
  }

  private record KeyOrError(PublicKey key, String error) {
    static KeyOrError of(JsonNode group) {
      try {
        return new KeyOrError(PublicKey.fromSpki(Hex.decode(group.get("publicKeyDer").asText())), null);
      } catch (IllegalArgumentException e) {
        return new KeyOrError(null, e.getMessage());
      }
    }
  }
}
