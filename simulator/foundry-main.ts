/**
 * The Foundry simulator as a process, for the local demo stack (`make up` runs it under
 * supervisord with SIMULATOR=1). Listens on 127.0.0.1:SIM_PORT and accepts SIM_API_KEY.
 */
import { readRuntimeEnv } from '../common/runtime-env.js';
import { startFoundrySimulator } from './foundry/simulator.js';

const sim = await startFoundrySimulator({
  port: readRuntimeEnv().simPort,
  apiKey: process.env.SIM_API_KEY ?? 'simulator-key',
});
console.log(JSON.stringify({ level: 30, service: 'simulator', msg: 'Foundry simulator listening', url: sim.url }));
// Keep the request log from growing without bound in a long-running demo.
setInterval(() => sim.requests.splice(0, Math.max(0, sim.requests.length - 100)), 10_000).unref();
const stop = () => void sim.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
