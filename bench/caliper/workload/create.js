'use strict';

const { WorkloadModuleBase } = require('@hyperledger/caliper-core');
const { uniquePrefix, invokers } = require('./assets');

/** Write-only: CreateAsset with a fresh id per transaction. */
class CreateWorkload extends WorkloadModuleBase {
    async initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext) {
        await super.initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext);
        this.contractId = roundArguments.contractId || 'basic';
        this.orgs = invokers(roundArguments);
        this.prefix = uniquePrefix('create', roundIndex, workerIndex);
        this.txIndex = 0;
        // One unmeasured transaction first (Caliper's observer is not active yet): the first
        // transaction of a fresh network launches the chaincode, which takes seconds.
        await this.sutAdapter.sendRequests({
            contractId: this.contractId,
            contractFunction: 'CreateAsset',
            contractArguments: [`${this.prefix}_warmup`, 'blue', '5', 'caliper', '100'],
            invokerMspId: this.orgs[workerIndex % this.orgs.length],
            readOnly: false,
        });
    }

    async submitTransaction() {
        const i = this.txIndex++;
        return this.sutAdapter.sendRequests({
            contractId: this.contractId,
            contractFunction: 'CreateAsset',
            contractArguments: [`${this.prefix}_${i}`, 'blue', '5', 'caliper', '100'],
            invokerMspId: this.orgs[i % this.orgs.length],
            readOnly: false,
        });
    }
}

function createWorkloadModule() {
    return new CreateWorkload();
}

module.exports.createWorkloadModule = createWorkloadModule;
