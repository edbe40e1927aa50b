/**
 * What a gateway application needs to bring device readings onto the chain: {@link
 * org.veriflow.client.streams.Readings} builds, signs and checks readings as a device does; {@link
 * org.veriflow.client.streams.SensorDevice} holds a device's name and key; {@link
 * org.veriflow.client.streams.StreamAdmin} creates a stream and registers its devices; {@link
 * org.veriflow.client.streams.Gateway} forwards signed readings in batches of at most {@link
 * org.veriflow.protocol.Limits#READINGS_PER_BATCH}, in nonce order, reporting progress through a {@link
 * org.veriflow.client.ProgressListener}. Nothing here prints.
 */
package org.veriflow.client.streams;
