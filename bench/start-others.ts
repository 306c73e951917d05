/**
 * The bench targets that are not this project: the Foundry simulator (the upstream and the
 * limit), Caddy alone as a reverse proxy to it, and Portkey's open-source gateway routed to it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Agent, request } from 'undici';
import { launchCaddy, localRootCaFile, type CaddyProcess } from '../test/harness/caddy-process.js';
import { readyOrExit, startChild, startService, type Child } from '../test/harness/child.js';
import { distFile, REPO_ROOT } from '../test/harness/paths.js';
import { freePort, freePorts, waitUntil } from '../test/harness/ports.js';
import { answers } from './start-gateway.js';
import { listenAddresses } from './processes.js';

/** The bench simulator process. */
export interface Simulator {
  child: Child;
  port: number;
  statsPort: number;
  /** Large request bodies received since the last reset (image uploads). */
  largeBodies(reset?: boolean): Promise<{ requests: number; bytes: number }>;
}

/** Starts the bench simulator (no credential check) on a free port. */
export async function startSimulator(dir: string): Promise<Simulator> {
  const [port, statsPort] = (await freePorts(2)) as [number, number];
  const child = startService({
    name: 'simulator',
    main: 'bench/simulator-main.js',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', SIM_PORT: String(port), SIM_STATS_PORT: String(statsPort) },
    logFile: path.join(dir, 'simulator.log'),
  });
  const largeBodies = async (reset = false) => {
    const res = await request(`http://127.0.0.1:${statsPort}/`, { method: reset ? 'POST' : 'GET' });
    return (await res.body.json()) as { requests: number; bytes: number };
  };
  await readyOrExit(
    child,
    waitUntil(async () => (await largeBodies()).requests >= 0, 20_000, 'the simulator'),
  );
  return { child, port, statsPort, largeBodies };
}

/** Caddy alone. */
export interface CaddyAlone {
  caddy: CaddyProcess;
  httpsPort: number;
  ca: string;
}

/**
 * The best single hop: Caddy with `tls internal` on localhost and `reverse_proxy` to the
 * simulator, with the same transport settings the gateway's rendered Caddyfile uses towards the
 * proxy (no flush_interval, no encode, HTTP/1.1 upstream, 64 idle connections).
 */
export function caddyAloneFile(
  storage: string,
  adminPort: number,
  httpsPort: number,
  httpPort: number,
  simPort: number,
): string {
  return `{
	admin localhost:${adminPort}
	storage file_system {
		root ${storage}
	}
	skip_install_trust
	grace_period 5s
	http_port ${httpPort}
	https_port ${httpsPort}
	default_bind 127.0.0.1
	auto_https disable_redirects
	ocsp_stapling off
	servers {
		protocols h1 h2
	}
}

localhost:${httpsPort} {
	tls internal
	reverse_proxy 127.0.0.1:${simPort} {
		transport http {
			dial_timeout 5s
			response_header_timeout 310s
			keepalive 120s
			keepalive_idle_conns 64
			keepalive_idle_conns_per_host 64
			versions 1.1
		}
	}
}
`;
}

/**
 * Starts Caddy alone (test/harness/caddy-process.ts) from a Caddyfile in `dir`, in front of the
 * server on `simPort` (the simulator, or a proxy alone), and waits until `GET /` through it gets
 * `readyStatus`: the simulator's 404, or a proxy's 401 to a request without a key, which only the
 * server behind Caddy gives.
 */
export async function startCaddyAlone(dir: string, simPort: number, readyStatus = 404): Promise<CaddyAlone> {
  const storage = path.join(dir, 'caddy');
  const [adminPort, httpsPort, httpPort] = (await freePorts(3)) as [number, number, number];
  const file = path.join(dir, 'Caddyfile');
  await fs.writeFile(file, caddyAloneFile(storage, adminPort, httpsPort, httpPort, simPort));
  const caddy = await launchCaddy({ configFile: file, dir, adminPort, outputFile: path.join(dir, 'caddy.log') });
  let ca = '';
  try {
    await waitUntil(
      async () => {
        ca ||= await fs.readFile(localRootCaFile(storage), 'utf8');
        const agent = new Agent({ connect: { ca, servername: 'localhost' } });
        try {
          // That answer means TLS and proxying work (Caddy itself would answer 502).
          const res = await request(`https://127.0.0.1:${httpsPort}/`, {
            dispatcher: agent,
            headers: { host: `localhost:${httpsPort}` },
          });
          await res.body.arrayBuffer();
          return res.statusCode === readyStatus;
        } finally {
          await agent.close();
        }
      },
      30_000,
      'Caddy alone to answer over HTTPS',
    );
  } catch (err) {
    await caddy.stop();
    throw err;
  }
  return { caddy, httpsPort, ca };
}

/** Portkey's gateway. */
export interface Portkey {
  child: Child;
  port: number;
  version: string;
}

/**
 * Starts `@portkey-ai/gateway` (its package `bin`, build/start-server.js) on a free port with
 * `--port` and `--headless`, preloading bench/loopback-only.js so it listens on 127.0.0.1 only
 * and cannot connect beyond loopback; the bench checks the listening address itself too.
 */
export async function startPortkey(dir: string): Promise<Portkey> {
  const pkgDir = path.join(REPO_ROOT, 'node_modules/@portkey-ai/gateway');
  const pkg = JSON.parse(
    await fs.readFile(path.join(pkgDir, 'package.json'), 'utf8').catch(() => {
      throw new Error('Portkey is not installed: run `npm ci` (devDependency @portkey-ai/gateway@1.15.2)');
    }),
  ) as { version?: string; bin?: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : Object.values(pkg.bin ?? {})[0];
  if (!bin) throw new Error('@portkey-ai/gateway has no bin entry in its package.json');
  const port = Number(process.env.BENCH_PORTKEY_PORT ?? (await freePort()));
  if ((await listenAddresses(port)).length > 0) {
    throw new Error(`port ${port} for Portkey is already taken; free it or set BENCH_PORTKEY_PORT to a free port`);
  }
  const child = startChild({
    name: 'portkey',
    command: process.execPath,
    args: ['--import', distFile('bench/loopback-only.js'), path.join(pkgDir, bin), `--port=${port}`, '--headless'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
    logFile: path.join(dir, 'portkey.log'),
  });
  await readyOrExit(
    child,
    waitUntil(() => answers(`http://127.0.0.1:${port}/`, {}), 30_000, `Portkey on 127.0.0.1:${port}`),
  );
  const bound = await listenAddresses(port);
  if (bound.some((a) => a !== '127.0.0.1'))
    throw new Error(`Portkey listens on ${bound.join(', ')}, not on 127.0.0.1 only`);
  return { child, port, version: pkg.version ?? '?' };
}
