package org.veriflow.cli.cluster;

import java.util.Objects;
import java.util.Optional;
import org.veriflow.client.Responses;

/** A member's answer to a question, or why there is none ({@code problem}); exactly one is present. */
public record Answer<T>(Responses.ClusterMember member, Optional<T> value, Optional<String> problem) {
  public Answer {
    Objects.requireNonNull(member, "member");
    if (value.isPresent() == problem.isPresent()) {
      throw new IllegalArgumentException("an answer has a value or a problem, not both or neither");
    }
  }

  public static <T> Answer<T> of(Responses.ClusterMember member, T value) {
    return new Answer<>(member, Optional.of(value), Optional.empty());
  }

  public static <T> Answer<T> none(Responses.ClusterMember member, String problem) {
    return new Answer<>(member, Optional.empty(), Optional.of(problem));
  }
}
