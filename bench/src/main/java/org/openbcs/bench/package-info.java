/** JMH benchmarks of OpenBCS hot paths: signatures, ledger commit, MVCC. */
package org.openbcs.bench;
