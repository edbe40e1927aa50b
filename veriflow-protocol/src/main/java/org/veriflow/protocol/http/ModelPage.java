package org.veriflow.protocol.http;

import java.util.List;

/**
 * {@code GET /v1/models}: a page of model records in id order.
 *
 * @param models the page's models
 * @param next the cursor of the next page; null (absent) on the last page
 */
public record ModelPage(List<Model> models, String next) {
  /** Copies the list. */
  public ModelPage {
    models = List.copyOf(models);
  }
}
