package org.veriflow.protocol;

/**
 * The sizes the chain enforces and its clients must stay within. The contracts and the node's HTTP API
 * refuse anything larger; the SDK splits its work to fit. Each limit exists here once.
 */
public final class Limits {
  private Limits() {}

  /** Device-signed readings in one {@code streams.submit_readings} transaction. */
  public static final int READINGS_PER_BATCH = 1000;

  /** Decisions in one {@code decisions.log} transaction (one Merkle root). */
  public static final int DECISIONS_PER_BATCH = 10_000;

  /** Legal readings one dataset snapshot may hold. */
  public static final int SNAPSHOT_ROWS = 500_000;

  /** Signed transactions in one {@code POST /v1/transactions/batch} request. */
  public static final int TRANSACTIONS_PER_REQUEST = 1000;

  /** Inputs in one {@code POST /v1/models/{id}/predict} request. */
  public static final int PREDICT_INPUTS_PER_REQUEST = 1000;

  /** The largest page any listing endpoint returns (readings, datasets, grants, accesses, models). */
  public static final int MAX_PAGE = 1000;

  /** The largest request body the HTTP API reads, blobs excepted. */
  public static final long MAX_REQUEST_BYTES = 8L * 1024 * 1024;

  /** Hidden layers an MLP recipe may name in {@code models.register}. */
  public static final int RECIPE_MAX_HIDDEN_LAYERS = 32;

  /** Units one hidden layer of an MLP recipe may have in {@code models.register}. */
  public static final int RECIPE_MAX_HIDDEN_WIDTH = 4096;

  /** Epochs a recipe may name in {@code models.register}. */
  public static final int RECIPE_MAX_EPOCHS = 100_000;
}
