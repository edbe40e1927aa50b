package org.veriflow.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.veriflow.contracts.TestChain.ADMIN;
import static org.veriflow.contracts.TestChain.VALIDATOR;

import org.veriflow.contracts.credits.Credits;
import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.protocol.proto.SignedTx;
import org.veriflow.protocol.proto.TxPayload;
import org.veriflow.protocol.proto.contracts.TransferCredits;
import org.veriflow.ledger.BlockRecord;

/**
 * Pinned values of our own formats. If one of these fails, the bytes of transactions, blocks or state
 * changed: every existing chain would stop verifying. Change a value only deliberately, and explain
 * the format change in the commit.
 */
class GoldenValuesTest {
  private static final String PAYLOAD_HEX =
      "0a0d76657269666c6f772d7465737412208a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c18012864"
      + "3207637265646974733a087472616e7366657242370a2b76663134376465613538656130306661653934313765653139643736"
      + "3735356266656636393038393930321019" + "1a06676f6c64656e";
  private static final String SIGNATURE_HEX =
      "5a80e7dd84500609048a530f3a7c6a8a5a2039960981c9129210c6c3f83d545a0c3fc6627eb1e3b239cfe5455330fecf2cb39f005e548f9915d5d85b0f0d4b0e";
  /** Field 1 (payload, 129 bytes), then field 2 (signature, 64 bytes). */
  private static final String SIGNED_TX_HEX = "0a8101" + PAYLOAD_HEX + "1240" + SIGNATURE_HEX;
  private static final String TX_ID = "c61d84a8ab7a039482c28fdd8fa47150bec5673da0098eed2556738e3864165f";
  private static final String GENESIS_HASH = "9e26cf1c8451628d595e21817a6d3666a3b66b3266c961f3e61173f04f6d071e";
  private static final String BLOCK_1_HASH = "9fe3c01ad92dd2ac1e54cfba10aa956a042bf9da9a66b06841f92b64afb28a32";

  /** Transfer of 25 credits from the genesis administrator to the validator, nonce 0, memo "golden". */
  private static TxPayload goldenPayload() {
    return TxPayload.newBuilder()
        .setChainId(TestChain.CHAIN_ID)
        .setSenderKey(ByteString.copyFrom(ADMIN.publicKey().encoded()))
        .setSenderAlgorithm(TestChain.algorithm(ADMIN))
        .setNonce(0)
        .setValidUntilHeight(100)
        .setContract(Credits.NAME)
        .setMethod("transfer")
        .setArguments(TransferCredits.newBuilder().setTo(VALIDATOR.id().value()).setAmount(25).setMemo("golden").build().toByteString())
        .build();
  }

  private static byte[] goldenSignedTx() {
    byte[] payload = goldenPayload().toByteArray();
    return SignedTx.newBuilder()
        .setPayload(ByteString.copyFrom(payload))
        .setSignature(ByteString.copyFrom(ADMIN.sign(payload)))
        .build().toByteArray();
  }

  @Test
  void fixedTransaction_bytesAndIdPinned() {
    byte[] payload = goldenPayload().toByteArray();
    assertThat(Hex.encode(payload)).isEqualTo(PAYLOAD_HEX);
    assertThat(Hex.encode(goldenSignedTx())).isEqualTo(SIGNED_TX_HEX);
    assertThat(Hash.sha256(payload).hex()).isEqualTo(TX_ID);
  }

  @Test
  void fixedTransaction_idIsWhatTheLedgerComputes() {
    try (TestChain chain = TestChain.open()) {
      assertThat(chain.admitted(goldenSignedTx()).id().hex()).isEqualTo(TX_ID);
    }
  }

  @Test
  void fixedGenesisSpec_genesisBlockHashPinned() {
    try (TestChain chain = TestChain.open()) {
      assertThat(chain.ledger.head().hash().hex()).isEqualTo(GENESIS_HASH);
    }
  }

  @Test
  void fixedFirstBlock_hashPinned() {
    try (TestChain chain = TestChain.open()) {
      BlockRecord block = chain.commit(goldenSignedTx());
      assertThat(block.hash().hex()).isEqualTo(BLOCK_1_HASH);
    }
  }
}
