package org.openbcs.ledger;

/** A committed state entry. */
public record VersionedValue(String namespace, String key, byte[] value, Version version) {}
