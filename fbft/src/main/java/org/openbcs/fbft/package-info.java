/**
 * FBFT: Byzantine-fault-tolerant ordering for n = 3f + 1 replicas (HotStuff family, two-chain
 * commit, votes to the next leader, reputation-based leader rotation). Specification:
 * docs/spec/fbft.md; code comments cite its rule numbers.
 *
 * <ul>
 *   <li>{@code message}: blocks, certificates, messages and their bounded binary codec.
 *   <li>{@code protocol}: the pure replica ({@code FbftReplica.step(event, now) -> effects}) and its
 *       parts (block tree, certificate verifier with cache, vote/timeout collectors, leader election,
 *       pending buffer, mempool).
 *   <li>{@code wal}: the durable safety state (file and in-memory implementations).
 *   <li>this package: ports ({@link org.openbcs.fbft.Transport}, {@link org.openbcs.fbft.TimerService},
 *       {@link org.openbcs.fbft.Authenticator}) and {@link org.openbcs.fbft.ReplicaDriver}, which
 *       performs effects and enforces persist-before-send.
 *   <li>{@code sim}: deterministic simulation with fault injection and invariant checks.
 *   <li>{@code ordering}: consensus type "fbft" for the ordering service (spec section 10): the
 *       consenter factory, the per-channel event loop, and orderer-to-orderer gRPC with mutual TLS.
 *   <li>{@code cli}: {@code bcs sim} ({@link org.openbcs.fbft.cli.SimCommand}).
 * </ul>
 */
package org.openbcs.fbft;
