package org.veriflow.crypto.bench;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Lets a command-line tool use an API the build forbids in library code ({@code System.out});
 * {@link #reason()} says why. Checked by the forbidden-apis build plugin.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD})
@interface SuppressForbidden {
  String reason();
}
