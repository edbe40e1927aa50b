package org.veriflow.client.models;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.crypto.Hash;
import org.veriflow.protocol.proto.decisions.Attribution;
import org.veriflow.protocol.proto.decisions.Decision;
import org.veriflow.ml.io.MalformedModelException;
import org.veriflow.ml.model.FeatureAttribution;
import org.veriflow.ml.model.Model;
import org.veriflow.ml.model.ModelFile;
import org.veriflow.ml.model.Prediction;

/**
 * Replays a logged decision: fetches the model file the decision names from the node's blob store,
 * checks it against the model's on-chain record, answers the logged (or supplied) input with the
 * deterministic engine, and compares output and attributions with the logged ones, bit for bit.
 */
public final class DecisionReplay {
  /**
   * What the replay found.
   *
   * @param passed whether the model gives exactly the logged output and attributions
   * @param reason what was compared, or why it failed, in one sentence
   * @param replayedOutput the output the model gives, if the replay got that far
   */
  public record Result(boolean passed, String reason, Optional<String> replayedOutput) {}

  private DecisionReplay() {}

  /**
   * @param suppliedInput the input as JSON, needed when the decision did not keep it; its canonical
   *     form must hash to the logged input digest
   */
  public static Result replay(VeriflowClient client, Responses.Decision d, Optional<byte[]> suppliedInput) throws IOException {
    Decision logged;
    try {
      logged = Decision.parseFrom(d.decisionBytes());
    } catch (InvalidProtocolBufferException e) {
      return new Result(false, "the logged decision does not decode", Optional.empty());
    }
    Responses.Model record = client.models().model(d.modelId());
    if (!record.artifactSha256().equals(d.modelSha256())) {
      return new Result(false, "the decision names model file " + d.modelSha256() + ", model " + d.modelId() + " records "
          + record.artifactSha256(), Optional.empty());
    }
    Path file = Files.createTempFile("veriflow-model-", ".bin");
    Model model;
    try {
      client.getBlob(d.modelSha256(), file);
      byte[] bytes = Files.readAllBytes(file);
      if (!Hash.sha256(bytes).hex().equals(d.modelSha256())) {
        return new Result(false, "the model file fetched does not hash to " + d.modelSha256(), Optional.empty());
      }
      model = ModelFile.read(bytes);
    } catch (MalformedModelException e) {
      return new Result(false, "the model file cannot be read: " + e.getMessage(), Optional.empty());
    } finally {
      Files.deleteIfExists(file);
    }
    String input;
    if (d.input().isPresent()) {
      input = d.input().get();
    } else if (suppliedInput.isPresent()) {
      input = new String(suppliedInput.get(), StandardCharsets.UTF_8);
    } else {
      return new Result(false, "the decision did not keep its input; supply it to replay", Optional.empty());
    }
    Prediction p;
    try {
      p = Prediction.of(model, input);
    } catch (IllegalArgumentException e) {
      return new Result(false, "the input cannot be answered by the model: " + e.getMessage(), Optional.empty());
    }
    if (!p.inputSha256().hex().equals(d.inputSha256())) {
      return new Result(false, "the input's canonical form " + p.inputJson() + " hashes to " + p.inputSha256().hex()
          + ", the decision logged digest " + d.inputSha256(), Optional.empty());
    }
    if (!java.util.Arrays.equals(p.output(), logged.getOutput().toByteArray())) {
      return new Result(false, "the model answers " + p.outputJson() + ", the decision logged " + logged.getOutput().toStringUtf8(),
          Optional.of(p.outputJson()));
    }
    List<FeatureAttribution> mine = p.attributions();
    List<Attribution> theirs = logged.getAttributionsList();
    boolean same = mine.size() == theirs.size();
    for (int i = 0; same && i < mine.size(); i++) {
      same = mine.get(i).feature().equals(theirs.get(i).getFeature())
          && Double.doubleToLongBits(mine.get(i).value()) == Double.doubleToLongBits(theirs.get(i).getValue())
          && Double.doubleToLongBits(mine.get(i).attribution()) == Double.doubleToLongBits(theirs.get(i).getAttribution());
    }
    if (!same) {
      return new Result(false, "the output matches but the logged attributions differ from the model's", Optional.of(p.outputJson()));
    }
    return new Result(true, "model " + d.modelId() + " (" + d.modelSha256().substring(0, 12) + "…) answers " + p.outputJson()
        + " on " + p.inputJson() + ", exactly as logged, attributions included", Optional.of(p.outputJson()));
  }
}
