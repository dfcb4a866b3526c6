/**
 * Organisation CAs in Fabric cryptogen's folder layout ({@link org.openbcs.identity.ca.OrgCa}): CA
 * and TLS CA creation, identity issuance with NodeOU roles and TLS certificates, revocation through
 * the MSP's CRL. Every signature goes through the {@code CryptoSuite}.
 */
package org.openbcs.identity.ca;
