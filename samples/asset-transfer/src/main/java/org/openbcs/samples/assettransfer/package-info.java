/** Asset-transfer sample contract on the public Fabric contract API. */
package org.openbcs.samples.assettransfer;
