import { parentPort, workerData } from 'node:worker_threads';
import { type EnvelopeSpec, envelopeCell } from './envelope';

/** One envelope worker (envelope.ts): answers each cell it is sent, with the plan it was started with. */
const { plan, calibration, metricsNamespace, runs } = workerData;
parentPort?.on('message', (spec: EnvelopeSpec) => {
  parentPort?.postMessage(envelopeCell(plan, calibration, metricsNamespace, spec, runs));
});
