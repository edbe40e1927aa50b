package org.veriflow.core.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request signed by an identity's key: a strict subset of HTTP Message Signatures (RFC 9421) that
 * binds the method, the path, the query, the blob asked for, a creation time and a nonce.
 *
 * <p>Headers (one signature, label {@code vf}):
 *
 * <pre>
 * Veriflow-Blob: &lt;hex SHA-256 of the blob asked for&gt;
 * Signature-Input: vf=("@method" "@path" "@query" "veriflow-blob");created=1700000000;nonce="&lt;32 hex&gt;";keyid="vf1…"
 * Signature: vf=:&lt;base64 signature&gt;:
 * </pre>
 *
 * The signed bytes are the RFC 9421 signature base (section 2.5), each line {@code "name": value}
 * joined by {@code \n}, the last one {@code "@signature-params"} with the Signature-Input's value
 * after {@code vf=}. {@code @query} is {@code ?} followed by the raw query string ({@code ?} alone when
 * there is none). The signature is the key's usual one: Ed25519, or ECDSA P-256 low-S in IEEE P1363
 * form, over those bytes. Only these four components, in this order, are accepted; anything else is
 * malformed, so that no request is ever verified against less than it says.
 *
 * @param keyId the identity that signs (its {@code vf1…} id)
 * @param createdSeconds when the request was made, in Unix seconds
 * @param nonce 16 random bytes as 32 lower-case hex digits, never reused within the freshness window
 */
public record RequestSignature(String method, String path, String query, String blob, long createdSeconds, String nonce,
    String keyId, byte[] signature) {
  public static final String LABEL = "vf";
  public static final String BLOB_HEADER = "Veriflow-Blob";
  private static final Pattern INPUT = Pattern.compile(
      "vf=\\(\"@method\" \"@path\" \"@query\" \"veriflow-blob\"\\);created=([0-9]{1,12});nonce=\"([0-9a-f]{32})\";keyid=\"(vf1[0-9a-f]{40})\"");
  private static final Pattern SIGNATURE = Pattern.compile("vf=:([A-Za-z0-9+/=]{1,200}):");

  public RequestSignature {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(blob, "blob");
    Objects.requireNonNull(nonce, "nonce");
    Objects.requireNonNull(keyId, "keyId");
    signature = signature.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** Why a request's signature headers cannot be read. */
  public static final class MalformedException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedException(String message) {
      super(message);
    }
  }

  /**
   * Signs a request.
   *
   * @param query the raw query string without {@code ?}, or empty
   * @param nonce 16 random bytes
   */
  public static RequestSignature sign(SigningKey key, String method, String path, String query, Hash blob, long createdSeconds, byte[] nonce) {
    if (nonce.length != 16) {
      throw new IllegalArgumentException("a nonce is 16 bytes, not " + nonce.length);
    }
    String nonceHex = org.veriflow.core.Hex.encode(nonce);
    RequestSignature unsigned = new RequestSignature(method, path, query, blob.hex(), createdSeconds, nonceHex, key.id().value(), new byte[0]);
    return new RequestSignature(method, path, query, blob.hex(), createdSeconds, nonceHex, key.id().value(), key.sign(unsigned.base()));
  }

  /**
   * Reads the signature headers of a request.
   *
   * @throws MalformedException naming what is missing or not in the accepted form
   */
  public static RequestSignature parse(String method, String path, String query, String blobHeader, String signatureInput,
      String signatureHeader) throws MalformedException {
    if (signatureInput == null || signatureHeader == null || blobHeader == null) {
      throw new MalformedException("the request is not signed: it needs the headers " + BLOB_HEADER + ", Signature-Input and Signature");
    }
    if (!blobHeader.matches("[0-9a-f]{64}")) {
      throw new MalformedException(BLOB_HEADER + " must be 64 lower-case hex digits");
    }
    Matcher in = INPUT.matcher(signatureInput.trim());
    if (!in.matches()) {
      throw new MalformedException("Signature-Input must be exactly vf=(\"@method\" \"@path\" \"@query\" \"veriflow-blob\");created=<seconds>;"
          + "nonce=\"<32 hex>\";keyid=\"<identity id>\"");
    }
    Matcher sig = SIGNATURE.matcher(signatureHeader.trim());
    if (!sig.matches()) {
      throw new MalformedException("Signature must be vf=:<base64>:");
    }
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(sig.group(1));
    } catch (IllegalArgumentException e) {
      throw new MalformedException("Signature is not valid base64");
    }
    return new RequestSignature(method, path, query == null ? "" : query, blobHeader, Long.parseLong(in.group(1)), in.group(2), in.group(3), signature);
  }

  /** The value of the Signature-Input header. */
  public String signatureInput() {
    return LABEL + "=" + params();
  }

  /** The value of the Signature header. */
  public String signatureHeader() {
    return LABEL + "=:" + Base64.getEncoder().encodeToString(signature) + ":";
  }

  /** The signature base: the bytes signed. */
  public byte[] base() {
    String b = "\"@method\": " + method + "\n"
        + "\"@path\": " + path + "\n"
        + "\"@query\": ?" + query + "\n"
        + "\"veriflow-blob\": " + blob + "\n"
        + "\"@signature-params\": " + params();
    return b.getBytes(StandardCharsets.UTF_8);
  }

  /** Whether {@code key} (the key of {@link #keyId()}) signed exactly this request. */
  public boolean verifiedBy(PublicKey key) {
    return key.id().value().equals(keyId) && key.verify(base(), signature).isValid();
  }

  private String params() {
    return "(\"@method\" \"@path\" \"@query\" \"veriflow-blob\");created=" + createdSeconds + ";nonce=\"" + nonce + "\";keyid=\"" + keyId + "\"";
  }
}
