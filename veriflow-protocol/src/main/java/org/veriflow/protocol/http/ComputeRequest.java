package org.veriflow.protocol.http;

/**
 * {@code POST /v1/grants/{id}/compute}: the model to register and the recipe to train on the
 * grant's dataset version.
 *
 * @param modelId the id to register the model under
 * @param recipe the training recipe: its JSON text, written as the object itself (not as a string)
 */
public record ComputeRequest(String modelId, String recipe) {}
