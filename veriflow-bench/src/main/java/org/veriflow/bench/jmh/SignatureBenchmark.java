package org.veriflow.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SignatureCheck;
import org.veriflow.core.crypto.SigningKey;

/**
 * Signing and verification of a 160-byte message, about the size of a serialised transaction
 * payload. {@code jdkEd25519Verify} and {@code jdkP256Verify} run the JDK's own providers (SunEC)
 * on the same kind of input, as the baselines for ratios; each JDK operation includes {@code
 * initVerify}, as a verifier handed a key, a message and a signature must do.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SignatureBenchmark {
  private byte[] message;
  private SigningKey ed25519;
  private PublicKey ed25519Public;
  private byte[] ed25519Signature;
  private SigningKey p256;
  private PublicKey p256Public;
  private byte[] p256Signature;

  private KeyPair jdkEd25519;
  private byte[] jdkEd25519Signature;
  private Signature jdkEd25519Verifier;
  private KeyPair jdkP256;
  private byte[] jdkP256Signature;
  private Signature jdkP256Verifier;

  @Setup
  public void setUp() throws GeneralSecurityException {
    message = new byte[160];
    byte[] text = "transfer 10 credits from one member to another; nonce 42; valid until height 1000".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(text, 0, message, 0, text.length);

    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) 7);
    ed25519 = SigningKey.ed25519FromSeed(seed);
    ed25519Public = ed25519.publicKey();
    ed25519Signature = ed25519.sign(message);
    p256 = SigningKey.generate(SignatureAlgorithm.P256);
    p256Public = p256.publicKey();
    p256Signature = p256.sign(message);
    requireValid(ed25519Public.verify(message, ed25519Signature));
    requireValid(p256Public.verify(message, p256Signature));

    jdkEd25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(jdkEd25519.getPrivate());
    signer.update(message);
    jdkEd25519Signature = signer.sign();
    jdkEd25519Verifier = Signature.getInstance("Ed25519");

    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    jdkP256 = ec.generateKeyPair();
    Signature ecSigner = Signature.getInstance("SHA256withECDSAinP1363Format");
    ecSigner.initSign(jdkP256.getPrivate());
    ecSigner.update(message);
    jdkP256Signature = ecSigner.sign();
    jdkP256Verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
    if (!jdkEd25519Verify() || !jdkP256Verify()) {
      throw new IllegalStateException("JDK baseline signatures do not verify");
    }
  }

  @Benchmark
  public byte[] ed25519Sign() {
    return ed25519.sign(message);
  }

  @Benchmark
  public SignatureCheck ed25519Verify() {
    return ed25519Public.verify(message, ed25519Signature);
  }

  @Benchmark
  public byte[] p256Sign() {
    return p256.sign(message);
  }

  @Benchmark
  public SignatureCheck p256Verify() {
    return p256Public.verify(message, p256Signature);
  }

  @Benchmark
  public boolean jdkEd25519Verify() throws GeneralSecurityException {
    jdkEd25519Verifier.initVerify(jdkEd25519.getPublic());
    jdkEd25519Verifier.update(message);
    return jdkEd25519Verifier.verify(jdkEd25519Signature);
  }

  @Benchmark
  public boolean jdkP256Verify() throws GeneralSecurityException {
    jdkP256Verifier.initVerify(jdkP256.getPublic());
    jdkP256Verifier.update(message);
    return jdkP256Verifier.verify(jdkP256Signature);
  }

  private static void requireValid(SignatureCheck check) {
    if (check != SignatureCheck.VALID) {
      throw new IllegalStateException("benchmark signature does not verify: " + check);
    }
  }
}
