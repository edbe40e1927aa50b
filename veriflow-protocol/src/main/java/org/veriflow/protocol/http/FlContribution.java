package org.veriflow.protocol.http;

/**
 * An accepted participant's leave-one-out contribution to a round: the validation loss of the round's
 * aggregate without its update minus the loss with it.
 *
 * @param participant the participant
 * @param micros the contribution in millionths (rounded half away from zero); negative when its update hurt
 */
public record FlContribution(String participant, long micros) {}
