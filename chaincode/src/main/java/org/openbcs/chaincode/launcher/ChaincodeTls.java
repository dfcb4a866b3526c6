package org.openbcs.chaincode.launcher;

import java.nio.file.Path;

/**
 * TLS material a launched chaincode uses to dial the peer's chaincode listener (PEM files): the CA
 * that issued the listener's certificate, and the client certificate and key the chaincode
 * presents (issued by a CA the listener trusts; normally the peer's own TLS client pair).
 */
public record ChaincodeTls(Path rootCert, Path clientCert, Path clientKey) {}
