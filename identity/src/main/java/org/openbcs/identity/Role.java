package org.openbcs.identity;

/** MSP roles, as Fabric's MSPRole and NodeOUs name them. MEMBER is any valid identity of the MSP. */
public enum Role {
  MEMBER,
  CLIENT,
  PEER,
  ADMIN,
  ORDERER
}
