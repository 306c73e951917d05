import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addSimulator } from '../../stack/init-simulator.js';

// A data dir from a run with another SIM_PORT (a restart of the test stack on fresh ports, or
// `make up` with SIM_PORT changed) must not keep sending demo requests to the old port: the
// restarted ACME stack test answered 502 "simulator could not be reached" before this.

type Json = Record<string, unknown>;
const upstream = (c: Json) => (c.upstreams as Json[]).find((u) => u.name === 'simulator');

test('the simulator upstream follows SIM_PORT across starts; a hand-set address is kept', () => {
  const config: Json = {};
  addSimulator(config, { SIM_PORT: '4555' });
  assert.equal(upstream(config)?.baseUrl, 'http://127.0.0.1:4555');
  addSimulator(config, { SIM_PORT: '4666' });
  assert.equal(upstream(config)?.baseUrl, 'http://127.0.0.1:4666');
  assert.equal((config.upstreams as Json[]).length, 1);

  upstream(config)!.baseUrl = 'http://sim.internal:9000';
  addSimulator(config, { SIM_PORT: '4777' });
  assert.equal(upstream(config)?.baseUrl, 'http://sim.internal:9000');
});
