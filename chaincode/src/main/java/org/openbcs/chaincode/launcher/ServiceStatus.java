package org.openbcs.chaincode.launcher;

/**
 * The state of a chaincode the peer dials (chaincode as a service): whether its stream is up, why
 * the last dial failed or the stream ended (empty while connected), and how often it was redialled.
 */
public record ServiceStatus(String packageId, String address, boolean connected, String lastError, int redials) {}
