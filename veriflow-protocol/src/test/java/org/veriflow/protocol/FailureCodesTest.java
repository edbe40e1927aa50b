package org.veriflow.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.veriflow.protocol.credits.CreditsFailure;
import org.veriflow.protocol.datasets.DatasetsFailure;
import org.veriflow.protocol.decisions.DecisionsFailure;
import org.veriflow.protocol.fl.FlFailure;
import org.veriflow.protocol.identities.IdentitiesFailure;
import org.veriflow.protocol.models.ModelsFailure;
import org.veriflow.protocol.streams.StreamsFailure;

/**
 * Pins every contract's failure codes: they are recorded on chain in failed transactions' results
 * and are the HTTP API's and the CLI's codes, so renaming, adding or removing one must fail here
 * first, and be deliberate.
 */
class FailureCodesTest {
  private static final Map<Class<? extends Enum<?>>, List<String>> GOLDEN = Map.of(
      IdentitiesFailure.class, List.of("ALREADY_REVOKED", "BAD_ARGUMENTS", "IDENTITY_EXISTS", "NOT_AUTHORISED",
          "UNKNOWN_IDENTITY"),
      CreditsFailure.class, List.of("BAD_ARGUMENTS", "BALANCE_OVERFLOW", "INSUFFICIENT_FUNDS", "UNKNOWN_RECIPIENT"),
      StreamsFailure.class, List.of("ALREADY_REVOKED", "BAD_ARGUMENTS", "DEVICE_EXISTS", "NOT_AUTHORISED",
          "SNAPSHOT_TOO_LARGE", "STREAM_EXISTS", "UNKNOWN_DEVICE", "UNKNOWN_STREAM"),
      ModelsFailure.class, List.of("ALREADY_ATTESTED", "BAD_ARGUMENTS", "DATASET_ERASED", "DATASET_MISMATCH",
          "INVALID_TRANSITION", "MODEL_EXISTS", "NOT_AUTHORISED", "RECIPE_TOO_COSTLY", "UNKNOWN_DATASET", "UNKNOWN_MODEL"),
      DecisionsFailure.class, List.of("BAD_ARGUMENTS", "DECISION_EXISTS", "INPUT_DIGEST_MISMATCH", "MODEL_MISMATCH",
          "MODEL_NOT_SERVABLE", "NOT_AUTHORISED", "UNKNOWN_MODEL"),
      DatasetsFailure.class, List.of("ALREADY_RELEASED", "BAD_ARGUMENTS", "BALANCE_OVERFLOW", "COMPUTE_ONLY",
          "DATASET_ERASED", "DATASET_EXISTS", "DATASET_MISMATCH", "DATASET_NOT_ACTIVE", "GRANTEE_REVOKED",
          "GRANT_EXPIRED", "GRANT_NOT_ACTIVE", "GRANT_NOT_PENDING", "INSUFFICIENT_FUNDS", "INVALID_VERSION",
          "NOT_AUTHORISED", "NOT_COMPUTE_GRANT", "NOT_CUSTODIAN", "NOT_GRANTEE", "NOT_OWNER", "NO_ENCRYPTION_KEY",
          "PURPOSE_MISMATCH", "READS_EXHAUSTED", "UNKNOWN_CUSTODIAN", "UNKNOWN_DATASET", "UNKNOWN_GRANT",
          "UNKNOWN_SNAPSHOT"),
      FlFailure.class, List.of("ALREADY_AGGREGATED", "ALREADY_ATTESTED", "ALREADY_JOINED", "BAD_ARGUMENTS",
          "BALANCE_OVERFLOW", "DATASET_ERASED", "DATASET_MISMATCH", "DUPLICATE_UPDATE", "INPUTS_MISMATCH",
          "INSUFFICIENT_FUNDS", "NOT_AGGREGATED", "NOT_AUTHORISED", "NOT_ELIGIBLE", "NOT_PARTICIPANT",
          "RECIPE_TOO_COSTLY", "REPLAYED_UPDATE", "ROUND_CLOSED", "ROUND_OPEN", "TASK_EXISTS", "TASK_FULL",
          "TOO_FEW_PARTICIPANTS", "TOO_FEW_UPDATES", "TOO_MANY_EXAMPLES", "UNKNOWN_DATASET", "UNKNOWN_TASK",
          "WRONG_ROUND", "WRONG_SHAPE", "WRONG_STATUS"));

  private static List<String> names(Class<? extends Enum<?>> type) {
    return Arrays.stream(type.getEnumConstants()).map(Enum::name).sorted().toList();
  }

  @Test
  void everyEnum_namesPinned() {
    Map<String, List<String>> actual = new TreeMap<>();
    Map<String, List<String>> expected = new TreeMap<>();
    GOLDEN.forEach((type, golden) -> {
      actual.put(type.getSimpleName(), names(type));
      expected.put(type.getSimpleName(), golden);
    });
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void everyEnum_isAFailureCode() {
    for (Class<? extends Enum<?>> type : GOLDEN.keySet()) {
      assertThat(FailureCode.class.isAssignableFrom(type)).as(type.getSimpleName()).isTrue();
    }
  }

  @Test
  void codes_areUpperCaseWords() {
    for (Class<? extends Enum<?>> type : GOLDEN.keySet()) {
      assertThat(names(type)).allMatch(n -> n.matches("[A-Z][A-Z0-9]*(_[A-Z0-9]+)*"), type.getSimpleName());
    }
  }
}
