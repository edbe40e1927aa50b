package org.veriflow.protocol.http;

/**
 * A validator's replay attestation of a model.
 *
 * @param validator the attesting validator
 * @param artifactSha256 the artifact its replay produced (64 hex)
 * @param match whether it is the registered artifact
 * @param height the height it was attested at
 * @param failure why the replay produced no artifact; null (absent) when it produced one
 */
public record ModelAttestation(String validator, String artifactSha256, boolean match, long height, String failure) {}
