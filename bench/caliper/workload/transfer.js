'use strict';

const { PreloadedAssetsWorkload } = require('./assets');

/**
 * Read-modify-write: TransferAsset of the assets this worker created before the round, taken in
 * turn. Two transfers of one asset in one block would conflict (MVCC_READ_CONFLICT, a Caliper
 * failure); in turn, with more assets than the worker's transactions in flight, an asset is only
 * transferred again after its last transfer committed. `./bcs bench --workload transfer` is the
 * place that measures conflicts on random keys.
 */
class TransferWorkload extends PreloadedAssetsWorkload {
    async submitTransaction() {
        const invoker = this.nextInvoker();
        const i = this.txIndex++;
        return this.sutAdapter.sendRequests({
            contractId: this.contractId,
            contractFunction: 'TransferAsset',
            contractArguments: [this.keys[i % this.keys.length], `owner${i}`],
            invokerMspId: invoker,
            readOnly: false,
        });
    }
}

function createWorkloadModule() {
    return new TransferWorkload();
}

module.exports.createWorkloadModule = createWorkloadModule;
