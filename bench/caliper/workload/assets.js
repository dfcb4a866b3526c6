'use strict';

// Shared helpers of the OpenBCS Caliper workloads (asset-transfer contract "basic").

const { WorkloadModuleBase } = require('@hyperledger/caliper-core');

/** A prefix unique to this worker process and run, so repeated runs on one ledger never collide. */
function uniquePrefix(kind, roundIndex, workerIndex) {
    return `${kind}_${Date.now().toString(36)}_${process.pid}_r${roundIndex}_w${workerIndex}`;
}

/** Organisations whose User1 submits, taken in turn (defaults to the first in the network config). */
function invokers(args) {
    return Array.isArray(args.orgs) && args.orgs.length > 0 ? args.orgs : [undefined];
}

/** Base for workloads that need assets to exist: creates them before the round is measured. */
class PreloadedAssetsWorkload extends WorkloadModuleBase {
    async initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext) {
        await super.initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext);
        this.contractId = roundArguments.contractId || 'basic';
        this.orgs = invokers(roundArguments);
        this.assets = Number(roundArguments.assets || 20);
        this.prefix = uniquePrefix('pre', roundIndex, workerIndex);
        this.keys = [];
        this.txIndex = 0;
        for (let i = 0; i < this.assets; i++) {
            const id = `${this.prefix}_${i}`;
            // Preloading runs before Caliper's observer is active, so it is not counted in the round.
            await this.sutAdapter.sendRequests({
                contractId: this.contractId,
                contractFunction: 'CreateAsset',
                contractArguments: [id, 'blue', '5', 'caliper', '100'],
                invokerMspId: this.orgs[i % this.orgs.length],
                readOnly: false,
            });
            this.keys.push(id);
        }
    }

    nextInvoker() {
        return this.orgs[this.txIndex % this.orgs.length];
    }

    randomKey() {
        return this.keys[Math.floor(Math.random() * this.keys.length)];
    }

    async cleanupWorkloadModule() {
        this.keys = [];
    }
}

module.exports = { uniquePrefix, invokers, PreloadedAssetsWorkload };
