package org.veriflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.veriflow.cli.cluster.Agreement;
import org.veriflow.cli.cluster.Head;

class ClusterAgreementTest {
  static Head head(long h, String fork) {
    return new Head(h, "b" + h + fork, "s" + h + fork);
  }

  static Map<String, Head> heads(Object... idAndHead) {
    Map<String, Head> m = new LinkedHashMap<>();
    for (int i = 0; i < idAndHead.length; i += 2) {
      m.put((String) idAndHead[i], (Head) idAndHead[i + 1]);
    }
    return m;
  }

  static Map<String, Agreement.Judgement> judge(Map<String, Head> heads, Map<String, Map<Long, Head>> blocks) {
    return Agreement.judge(heads, Agreement.groupByHeight(heads, blocks));
  }

  @Test
  void head_hexIgnoresCase() {
    assertThat(new Head(3, "ABcd", "EF")).isEqualTo(new Head(3, "abcd", "ef"));
  }

  @Test
  void heightsToFetch_theLowerHeadsOnly() {
    Map<String, Head> h = heads("a", head(9, ""), "b", head(7, ""), "c", head(9, ""), "d", head(3, ""));
    assertThat(Agreement.heightsToFetch("a", h)).containsExactly(3L, 7L);
    assertThat(Agreement.heightsToFetch("b", h)).containsExactly(3L);
    assertThat(Agreement.heightsToFetch("d", h)).isEmpty();
  }

  @Test
  void judge_sameHeightSameState_consistent() {
    Map<String, Agreement.Judgement> j = judge(heads("a", head(5, ""), "b", head(5, ""), "c", head(5, "")), Map.of());
    assertThat(j.get("a").verdict()).isEqualTo(Agreement.Verdict.CONSISTENT);
    assertThat(j.get("a").agreeing()).containsExactly("b", "c");
    assertThat(j.get("c").agreeing()).containsExactly("a", "b");
  }

  @Test
  void judge_sameHeightOtherState_differsBothWays() {
    Map<String, Head> h = heads("a", head(5, ""), "b", head(5, ""), "c", head(5, "x"));
    Map<String, Agreement.Judgement> j = judge(h, Map.of());
    assertThat(j.get("c").verdict()).isEqualTo(Agreement.Verdict.DIFFERS);
    assertThat(j.get("c").differing()).containsExactly("a", "b");
    assertThat(j.get("a").verdict()).isEqualTo(Agreement.Verdict.DIFFERS);
    assertThat(j.get("a").agreeing()).containsExactly("b");
    assertThat(j.get("a").differing()).containsExactly("c");
    List<Agreement.Group> groups = Agreement.groupByHeight(h, Map.of()).get(5L);
    assertThat(groups).extracting(Agreement.Group::members).containsExactly(List.of("a", "b"), List.of("c"));
  }

  @Test
  void judge_onlyTheStateHashDiffers_differs() {
    Map<String, Head> h = heads("a", new Head(5, "b5", "s5"), "b", new Head(5, "b5", "s5x"));
    assertThat(judge(h, Map.of()).get("b").verdict()).isEqualTo(Agreement.Verdict.DIFFERS);
  }

  @Test
  void judge_highestAlone_unconfirmed() {
    Map<String, Head> h = heads("a", head(9, ""), "b", head(5, ""));
    Map<String, Agreement.Judgement> j = judge(h, Map.of("a", Map.of(5L, head(5, ""))));
    assertThat(j.get("a").verdict()).isEqualTo(Agreement.Verdict.UNCONFIRMED);
    assertThat(j.get("b").verdict()).isEqualTo(Agreement.Verdict.CONSISTENT);
    assertThat(j.get("b").agreeing()).containsExactly("a");
  }

  @Test
  void judge_lowerHeadAgainstAHigherMembersBlock_differs() {
    Map<String, Head> h = heads("a", head(9, ""), "b", head(5, "x"));
    Map<String, Agreement.Judgement> j = judge(h, Map.of("a", Map.of(5L, head(5, ""))));
    assertThat(j.get("b").verdict()).isEqualTo(Agreement.Verdict.DIFFERS);
    assertThat(j.get("b").differing()).containsExactly("a");
    SortedMap<Long, List<Agreement.Group>> g = Agreement.groupByHeight(h, Map.of("a", Map.of(5L, head(5, ""))));
    assertThat(g.get(5L)).hasSize(2);
    assertThat(g.get(9L)).hasSize(1);
  }

  @Test
  void judge_blockNotFetched_unconfirmedNotDiffers() {
    Map<String, Agreement.Judgement> j = judge(heads("a", head(9, ""), "b", head(5, "x")), Map.of());
    assertThat(j.get("b").verdict()).isEqualTo(Agreement.Verdict.UNCONFIRMED);
  }

  @Test
  void group_largestFirstTiesInMemberOrder() {
    List<Agreement.Group> g = Agreement.group(heads("a", head(5, "x"), "b", head(5, ""), "c", head(5, ""), "d", head(5, "y")));
    assertThat(g).extracting(Agreement.Group::members).containsExactly(List.of("b", "c"), List.of("a"), List.of("d"));
  }
}
