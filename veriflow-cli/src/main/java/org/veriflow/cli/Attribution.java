package org.veriflow.cli;

import java.util.List;
import org.veriflow.client.Responses;

/** One feature's share in a decision, in the JSON results of {@code model predict} and {@code decision get}. */
record Attribution(String feature, double value, double attribution) {
  static List<Attribution> of(List<Responses.FeatureAttribution> all) {
    return all.stream().map(a -> new Attribution(a.feature(), a.value(), a.attribution())).toList();
  }
}
