/**
 * Fabric X.509 MSPs: reading the MSP folder layout into {@code FabricMSPConfig} ({@link
 * org.openbcs.identity.msp.MspDirectory}) and validating serialized identities against a channel's
 * MSPs ({@link org.openbcs.identity.msp.MspManager}): chain to the MSP's CAs, validity at the
 * injected time, CRLs, NodeOU roles, admin certificates, policy principals.
 */
package org.openbcs.identity.msp;
