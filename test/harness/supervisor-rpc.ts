/**
 * supervisord's XML-RPC interface over its unix socket (RUN_DIR/supervisor.sock), for tests that
 * poll process state many times: one call takes milliseconds, where spawning `supervisorctl`
 * (a Python start) takes about a second on a busy two-core machine.
 */
import path from 'node:path';
import { Client, request } from 'undici';

/** A program's state as `supervisor.getProcessInfo` reports it. */
export interface ProcessInfo {
  /** e.g. RUNNING, STARTING, BACKOFF, FATAL. */
  state: string;
  /** 0 when not running. */
  pid: number;
}

function member(xml: string, name: string): string | undefined {
  return new RegExp(`<name>${name}</name>\\s*<value>\\s*(?:<\\w+>)?([^<]*)`).exec(xml)?.[1];
}

/** `supervisor.getProcessInfo(name)` through the socket in `runDir`. */
export async function processInfo(runDir: string, name: string): Promise<ProcessInfo> {
  const client = new Client('http://localhost', { socketPath: path.join(runDir, 'supervisor.sock') });
  try {
    const body = `<?xml version="1.0"?><methodCall><methodName>supervisor.getProcessInfo</methodName><params><param><value><string>${name}</string></value></param></params></methodCall>`;
    const res = await request('http://localhost/RPC2', {
      method: 'POST',
      dispatcher: client,
      headers: { 'content-type': 'text/xml' },
      body,
    });
    const xml = await res.body.text();
    if (res.statusCode !== 200 || xml.includes('<fault>'))
      throw new Error(`getProcessInfo(${name}) answered ${res.statusCode}: ${xml.slice(0, 300)}`);
    return { state: member(xml, 'statename') ?? '', pid: Number(member(xml, 'pid') ?? 0) };
  } finally {
    await client.close();
  }
}

/** The pid of each program in `names` (0 when it is not running or supervisord does not answer). */
export async function programPids<N extends string>(runDir: string, names: readonly N[]): Promise<Record<N, number>> {
  const out = {} as Record<N, number>;
  for (const name of names) out[name] = (await processInfo(runDir, name).catch(() => ({ pid: 0 }))).pid;
  return out;
}
