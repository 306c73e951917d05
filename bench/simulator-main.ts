/**
 * The Foundry simulator as the bench's one upstream: every target talks to this process, so the
 * upstream costs the same for all. Unlike the demo stack's simulator it checks no credential
 * (Portkey sends `Authorization: Bearer`, the gateway `api-key`). A second listener on
 * SIM_STATS_PORT reports the size of the large request bodies it received (what the image
 * compression sent upstream) and empties the request log, which would otherwise grow per request.
 */
import http from 'node:http';
import { startFoundrySimulator } from '../simulator/foundry/simulator.js';

/** Bodies at least this large count as image uploads in the stats. */
const LARGE_BODY_BYTES = 10_000;
const DRAIN_INTERVAL_MS = 200;

const sim = await startFoundrySimulator({ port: Number(process.env.SIM_PORT ?? 0) });
let large = { requests: 0, bytes: 0 };

function drain(): void {
  for (const r of sim.requests) {
    const length = Number(r.headers['content-length'] ?? 0);
    if (length >= LARGE_BODY_BYTES) {
      large.requests += 1;
      large.bytes += length;
    }
  }
  sim.requests.length = 0;
}
setInterval(drain, DRAIN_INTERVAL_MS);

const stats = http.createServer((req, res) => {
  drain();
  const body = JSON.stringify(large);
  if (req.method === 'POST') large = { requests: 0, bytes: 0 };
  res.writeHead(200, { 'content-type': 'application/json' }).end(body);
});
stats.listen(Number(process.env.SIM_STATS_PORT ?? 0), '127.0.0.1');

const stop = () => {
  stats.close();
  void sim.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
console.log(JSON.stringify({ msg: 'bench simulator listening', url: sim.url }));
