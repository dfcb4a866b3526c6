package org.openbcs.peer.channel;

import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.SignatureVerifier;
import org.openbcs.identity.msp.MspManager;
import org.openbcs.ledger.PeerLedger;
import org.openbcs.ordering.channel.ChannelConfig;

/** Everything a peer holds for one channel; built once by the peer server at join/start. */
public record PeerChannel(
    String channelId,
    ChannelConfig config,
    MspManager msps,
    PeerLedger ledger,
    ChaincodeDefinitions chaincodes,
    CryptoSuite suite,
    SignatureVerifier verifier) {}
