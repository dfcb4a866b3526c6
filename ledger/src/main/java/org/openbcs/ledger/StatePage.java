package org.openbcs.ledger;

import java.util.List;

/**
 * One page of a range scan, with Fabric's pagination: {@code bookmark} is the key to start the next
 * page from, "" when the range is exhausted.
 */
public record StatePage(List<VersionedValue> results, String bookmark) {}
