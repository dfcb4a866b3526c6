package org.openbcs.bench.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVRWSet;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVRead;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.Version;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.junit.jupiter.api.Test;
import org.openbcs.ledger.state.BlockUpdates;
import org.openbcs.ledger.state.ParsedTx;

class MvccBenchTest {
  @Test
  void benchBlocksPassMvccAndAStaleReadWouldNot() throws Exception {
    MvccBench.Committed s = new MvccBench.Committed();
    s.open();
    try {
      MvccBench bench = new MvccBench();
      assertThat(bench.mvccBlock(s)).hasSize(MvccBench.TXS_PER_BLOCK).containsOnly((byte) TxValidationCode.VALID_VALUE);
      assertThat(bench.validate(s)).isEqualTo(MvccBench.TXS_PER_BLOCK);
      // Reads are 2 adjacent keys of a 1,000-key pool, so a block reads several hundred distinct keys.
      assertThat(bench.prefetch(s)).hasSizeGreaterThan(300);

      // The check is real: the same read at another version is a conflict against RocksDB's (1, 0).
      ParsedTx.Endorser tx = (ParsedTx.Endorser) s.blocks.get(0).get(0);
      ParsedTx.NsRwSet ns = tx.nsRwSets().get(0);
      KVRead read = ns.rwset().getReads(0).toBuilder().setVersion(Version.newBuilder().setBlockNum(1).setTxNum(1)).build();
      ParsedTx.Endorser stale = new ParsedTx.Endorser("stale", 0, List.of(new ParsedTx.NsRwSet(ns.namespace(),
          KVRWSet.newBuilder().addReads(read).build())));
      assertThat(s.mvcc.validate(stale, new BlockUpdates(99), s.mvcc.prefetch(List.of(stale))))
          .isEqualTo(TxValidationCode.MVCC_READ_CONFLICT_VALUE);
    } finally {
      s.close();
    }
  }
}
