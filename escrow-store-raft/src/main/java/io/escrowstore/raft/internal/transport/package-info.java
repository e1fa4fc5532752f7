/**
 * Transport: the bolt RPC and timer factories jraft loads, TLS between members, and the protobuf wire serializer.
 * Named by the META-INF/services files of this module; nothing else refers to them by name.
 */
package io.escrowstore.raft.internal.transport;
