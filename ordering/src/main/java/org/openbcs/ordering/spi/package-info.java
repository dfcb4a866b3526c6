/**
 * The ordering service SPI: how a consensus implementation plugs into an OpenBCS orderer.
 *
 * <p>An implementation ships a {@link org.openbcs.ordering.spi.ConsenterFactory} named by the
 * channel config's {@code ConsensusType.type} ("solo", later "etcdraft", "kafka", "fbft"); the
 * node wires it into a {@link org.openbcs.ordering.spi.ConsenterRegistry}. Per channel the factory
 * gets a {@link org.openbcs.ordering.spi.ChainSupport} - the only view of the chain consensus code
 * has: config, clock, height, {@code createNextBlock(batch)} and {@code writeBlock(block)} - and
 * returns a {@link org.openbcs.ordering.spi.Consenter} that Broadcast feeds with validated
 * envelopes through {@code order(envelope, configSeq)}.
 *
 * <p>The smallest complete implementation is {@link org.openbcs.ordering.solo.SoloConsenter}: one
 * thread, a bounded queue, a {@link org.openbcs.ordering.blockcutter.BlockCutter} and its timer.
 * A replicated consenter does the same on its leader and writes the agreed blocks on every node
 * with {@code writeBlock}, which signs them with that node's identity.
 */
package org.openbcs.ordering.spi;
