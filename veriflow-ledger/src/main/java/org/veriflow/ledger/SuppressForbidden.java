package org.veriflow.ledger;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Lets one method use an API the determinism rules forbid; {@link #reason()} must say why its result
 * can never reach a hash or the state. Checked by the forbidden-apis build plugin.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.METHOD, ElementType.CONSTRUCTOR})
@interface SuppressForbidden {
  String reason();
}
