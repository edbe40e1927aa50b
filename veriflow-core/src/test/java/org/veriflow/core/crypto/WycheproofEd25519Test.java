package org.veriflow.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.veriflow.core.Hex;
import org.veriflow.core.testing.Bytes;
import org.veriflow.core.testing.CaseFailures;
import org.veriflow.core.testing.Vectors;

/**
 * Every case of Project Wycheproof's {@code ed25519_test.json} (RFC 8032 pure Ed25519).
 *
 * <ul>
 *   <li>{@code valid}: must be {@link SignatureCheck#VALID}.
 *   <li>{@code invalid}: must not be VALID. This covers S >= L (signature malleability) and
 *       non-canonical point encodings, which Veriflow rejects as BouncyCastle does: a second
 *       encoding of the same signature would give a transaction two ids.
 *   <li>{@code acceptable}: the file has none today. Should a later version add some, each must be
 *       rejected and its flag must be one documented in {@link #ACCEPTABLE_FLAGS}; any other flag
 *       fails the test so that someone decides.
 *   <li>A group whose public key {@link PublicKey#decode} refuses counts as rejecting each of its
 *       cases: right for invalid cases, a failure for valid ones.
 * </ul>
 */
class WycheproofEd25519Test {
  private static final String FILE = "wycheproof/ed25519_test.json";

  /** Flags under which an {@code acceptable} case is known to be rejected by Veriflow, and why. */
  private static final Map<String, String> ACCEPTABLE_FLAGS =
      Map.of(
          "SignatureMalleability", "S >= L: RFC 8032 section 5.1.7 requires S < L; a second encoding of one signature is refused",
          "InvalidEncoding", "non-canonical encodings of R or A are refused (RFC 8032 section 5.1.3 decoding)");

  @Test
  void verify_everyWycheproofCase_matchesExpectedResult() {
    JsonNode file = Vectors.json(FILE);
    CaseFailures failures = new CaseFailures(FILE);
    for (Group group : groups(file)) {
      for (JsonNode t : group.tests) {
        String id = caseId(t);
        byte[] msg = Hex.decode(t.get("msg").asText());
        byte[] sig = Hex.decode(t.get("sig").asText());
        String result = t.get("result").asText();
        SignatureCheck actual;
        try {
          actual = group.key == null ? null : group.key.verify(msg, sig);
        } catch (RuntimeException e) {
          failures.failed(id, "verify threw " + e);
          continue;
        }
        String seen = actual == null ? "public key rejected: " + group.keyError : String.valueOf(actual);
        switch (result) {
          case "valid" -> failures.check(id, actual == SignatureCheck.VALID, "valid case gave " + seen);
          case "invalid" -> failures.check(id, actual != SignatureCheck.VALID, "invalid case was accepted");
          case "acceptable" -> {
            List<String> undocumented = undocumentedFlags(t);
            failures.check(id, undocumented.isEmpty() && actual != SignatureCheck.VALID,
                undocumented.isEmpty() ? "acceptable case was accepted" : "acceptable case with undecided flags " + undocumented);
          }
          default -> failures.failed(id, "unknown result '" + result + "'");
        }
      }
    }
    assertThat(failures.cases()).as("cases read").isEqualTo(file.get("numberOfTests").asInt());
    failures.assertNoneFailed();
  }

  @Test
  void verify_validCaseWithModifiedMessageOrSignature_rejected() {
    JsonNode file = Vectors.json(FILE);
    CaseFailures failures = new CaseFailures(FILE + " (negative siblings of valid cases)");
    for (Group group : groups(file)) {
      for (JsonNode t : group.tests) {
        if (!"valid".equals(t.get("result").asText()) || group.key == null) {
          continue;
        }
        byte[] msg = Hex.decode(t.get("msg").asText());
        byte[] sig = Hex.decode(t.get("sig").asText());
        SignatureCheck wrongMessage = group.key.verify(Bytes.modifiedMessage(msg), sig);
        failures.check(caseId(t) + " modified message", wrongMessage == SignatureCheck.INVALID, "gave " + wrongMessage);
        for (int bit : new int[] {0, 255, 256, 511}) {
          SignatureCheck wrongSig = group.key.verify(msg, Bytes.flipBit(sig, bit));
          failures.check(caseId(t) + " signature bit " + bit + " flipped", wrongSig != SignatureCheck.VALID, "was accepted");
        }
      }
    }
    assertThat(failures.cases()).as("sibling cases").isGreaterThan(0);
    failures.assertNoneFailed();
  }

  @Test
  void fromSpki_everyGroupKey_equalsRawKeyDecoding() {
    JsonNode file = Vectors.json(FILE);
    CaseFailures failures = new CaseFailures(FILE + " (publicKeyDer)");
    for (Group group : groups(file)) {
      String id = "group with key " + group.rawKeyHex;
      try {
        PublicKey fromSpki = PublicKey.fromSpki(Hex.decode(group.spkiHex));
        failures.check(id, fromSpki.equals(group.key), "SPKI gave " + fromSpki + ", raw gave " + group.key);
      } catch (IllegalArgumentException e) {
        failures.check(id, group.key == null, "SPKI refused a key the raw decoding accepts: " + e.getMessage());
      }
    }
    failures.assertNoneFailed();
  }

  private static List<String> undocumentedFlags(JsonNode t) {
    List<String> out = new ArrayList<>();
    for (JsonNode f : t.get("flags")) {
      if (!ACCEPTABLE_FLAGS.containsKey(f.asText())) {
        out.add(f.asText());
      }
    }
    return out;
  }

  private static String caseId(JsonNode t) {
    return "tcId " + t.get("tcId").asInt() + " [" + t.get("comment").asText() + "] " + t.get("flags");
  }

  private static List<Group> groups(JsonNode file) {
    List<Group> out = new ArrayList<>();
    for (JsonNode g : file.get("testGroups")) {
      out.add(new Group(g));
    }
    return out;
  }

  private static final class Group {
    final String rawKeyHex;
    final String spkiHex;
    final PublicKey key;
    final String keyError;
    final JsonNode tests;

    Group(JsonNode g) {
      rawKeyHex = g.at("/publicKey/pk").asText();
      spkiHex = g.get("publicKeyDer").asText();
      PublicKey k = null;
      String error = null;
      try {
        k = PublicKey.decode(SignatureAlgorithm.ED25519, Hex.decode(rawKeyHex));
      } catch (IllegalArgumentException e) {
        error = e.getMessage();
      }
      key = k;
      keyError = error;
      tests = g.get("tests");
    }
  }
}
