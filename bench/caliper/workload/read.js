'use strict';

const { PreloadedAssetsWorkload } = require('./assets');

/** Query-only: evaluates ReadAsset of assets this worker created before the round. */
class ReadWorkload extends PreloadedAssetsWorkload {
    async submitTransaction() {
        const invoker = this.nextInvoker();
        this.txIndex++;
        return this.sutAdapter.sendRequests({
            contractId: this.contractId,
            contractFunction: 'ReadAsset',
            contractArguments: [this.randomKey()],
            invokerMspId: invoker,
            readOnly: true,
        });
    }
}

function createWorkloadModule() {
    return new ReadWorkload();
}

module.exports.createWorkloadModule = createWorkloadModule;
