/**
 * The bodies of the node's HTTP API (docs/http-api.md) as plain records: each component's name is
 * the JSON field's name, so that the node that writes a body and the client that reads it agree by
 * construction. A component that may be absent from the JSON is a boxed type or a reference that is
 * null when absent; the node's mapper leaves null components out. No JSON library is needed here:
 * Jackson maps records by their component names.
 */
package org.veriflow.protocol.http;
