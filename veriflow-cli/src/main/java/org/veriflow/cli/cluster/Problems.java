package org.veriflow.cli.cluster;

import java.util.regex.Pattern;
import org.veriflow.client.ClientException;

/**
 * What a failed call to a node says to a user: the node's sentence, without the text of an
 * exception of the consensus library that a node in a cluster may append in parentheses (for
 * example {@code (org.apache.ratis.protocol.exceptions.NotLeaderException: Server s1@group-... is not
 * the leader)}), which names internals a user can do nothing with.
 */
public final class Problems {
  /** A parenthesised exception: a fully qualified class name ending in Exception or Error, its message, or a bare {@code (null)}. */
  private static final Pattern EXCEPTION_TEXT = Pattern.compile(
      "\\s*\\((?:null|(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b(?:[^()]|\\([^()]*\\))*)\\)");

  private Problems() {}

  /**
   * The message of a failed call for a user: {@code CODE: sentence}, with any exception text of
   * the consensus library removed.
   *
   * @param e the failure
   * @return one line for the user
   */
  public static String of(ClientException e) {
    return e.code() + ": " + withoutExceptionText(e.getMessage() == null ? "" : e.getMessage());
  }

  /**
   * {@code message} with every parenthesised Java exception text removed.
   *
   * @param message a node's or a library's message
   * @return the message without exception text
   */
  public static String withoutExceptionText(String message) {
    return EXCEPTION_TEXT.matcher(message).replaceAll("");
  }
}
