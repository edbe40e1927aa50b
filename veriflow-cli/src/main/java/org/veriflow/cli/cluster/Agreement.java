package org.veriflow.cli.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Whether members' chains agree: at every height two or more members can speak for, the members are
 * grouped by the block and state they have there; more than one group is a disagreement. Pure: the
 * caller fetches the heads and blocks.
 */
public final class Agreement {
  private Agreement() {}

  /** Members (in the order given) that have the same block and state at a height. */
  public record Group(Head head, List<String> members) {
    public Group {
      members = List.copyOf(members);
    }
  }

  /** How a member's own head compares with the others' blocks at its height. */
  public enum Verdict {
    /** Every other member that has reached its height has the same block and state there. */
    CONSISTENT,
    /** No other member could be compared at its height (none reached it, or none answered). */
    UNCONFIRMED,
    /** Some member has another block or state at its height. */
    DIFFERS
  }

  /**
   * One member's verdict at the height of its own head; {@code agreeing} and {@code differing} are the
   * other members that have the same, or another, block and state there.
   */
  public record Judgement(Head head, Verdict verdict, List<String> agreeing, List<String> differing) {
    public Judgement {
      agreeing = List.copyOf(agreeing);
      differing = List.copyOf(differing);
    }
  }

  /**
   * The heights at which member {@code id} must give its block so that every head below its own can
   * be compared with it.
   */
  public static SortedSet<Long> heightsToFetch(String id, Map<String, Head> heads) {
    long own = heads.get(id).height();
    SortedSet<Long> out = new TreeSet<>();
    for (Head h : heads.values()) {
      if (h.height() < own) {
        out.add(h.height());
      }
    }
    return out;
  }

  /**
   * Groups the members at each height of a head: a member counts at a height if its head is there or
   * {@code blocks} has its block there.
   *
   * @param heads each member's head, in member order
   * @param blocks each member's blocks at lower heights, as far as they were fetched
   * @return for each head's height, the groups, largest first (ties in member order)
   */
  public static SortedMap<Long, List<Group>> groupByHeight(Map<String, Head> heads, Map<String, Map<Long, Head>> blocks) {
    SortedMap<Long, List<Group>> out = new TreeMap<>();
    for (Head h : heads.values()) {
      long height = h.height();
      if (out.containsKey(height)) {
        continue;
      }
      Map<String, Head> at = new LinkedHashMap<>();
      for (Map.Entry<String, Head> e : heads.entrySet()) {
        Head theirs = e.getValue().height() == height ? e.getValue() : blocks.getOrDefault(e.getKey(), Map.of()).get(height);
        if (theirs != null) {
          at.put(e.getKey(), theirs);
        }
      }
      out.put(height, group(at));
    }
    return out;
  }

  /** Members grouped by their head, largest group first, ties in the order of their first member. */
  public static List<Group> group(Map<String, Head> heads) {
    Map<Head, List<String>> byHead = new LinkedHashMap<>();
    heads.forEach((id, head) -> byHead.computeIfAbsent(head, k -> new ArrayList<>()).add(id));
    List<Group> groups = new ArrayList<>();
    byHead.forEach((head, ids) -> groups.add(new Group(head, ids)));
    groups.sort(Comparator.comparingInt((Group g) -> g.members().size()).reversed()); // stable: ties keep member order
    return List.copyOf(groups);
  }

  /** Each member's verdict at its own head's height, in member order. */
  public static Map<String, Judgement> judge(Map<String, Head> heads, SortedMap<Long, List<Group>> groups) {
    Map<String, Judgement> out = new LinkedHashMap<>();
    for (Map.Entry<String, Head> e : heads.entrySet()) {
      String id = e.getKey();
      List<String> agreeing = new ArrayList<>();
      List<String> differing = new ArrayList<>();
      for (Group g : groups.getOrDefault(e.getValue().height(), List.of())) {
        boolean own = g.members().contains(id);
        for (String other : g.members()) {
          if (!other.equals(id)) {
            (own ? agreeing : differing).add(other);
          }
        }
      }
      Verdict v = !differing.isEmpty() ? Verdict.DIFFERS : agreeing.isEmpty() ? Verdict.UNCONFIRMED : Verdict.CONSISTENT;
      out.put(id, new Judgement(e.getValue(), v, agreeing, differing));
    }
    return out;
  }
}
