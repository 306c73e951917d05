/**
 * A supervisord event listener: when a program goes FATAL (it could not stay up), write a
 * marker into RUN_DIR and stop supervisord, so the entry script exits 1 and ACI restarts the
 * container instead of leaving it half-alive (supervisord itself would exit 0).
 * Protocol: http://supervisord.org/events.html — READY, then header line + payload, then RESULT.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { readRuntimeEnv } from '../common/runtime-env.js';

// supervisord passes the entry script's RUN_DIR; the fallback is the same rule as everywhere else.
const runDir = readRuntimeEnv().runDir;
let buffer = '';
let expecting: { len: number; header: Record<string, string> } | undefined;

function parseTokens(line: string): Record<string, string> {
  return Object.fromEntries(
    line
      .trim()
      .split(/\s+/)
      .map((kv) => kv.split(':') as [string, string]),
  );
}

function ready(): void {
  process.stdout.write('READY\n');
}

function handle(header: Record<string, string>, payload: string): void {
  const info = parseTokens(payload.split('\n')[0] ?? '');
  if (header.eventname === 'PROCESS_STATE_FATAL') {
    const name = info.processname ?? 'unknown';
    writeFileSync(path.join(runDir, 'fatal'), `${new Date().toISOString()} ${name} entered FATAL\n`);
    process.stderr.write(`fatal-listener: ${name} could not stay up; stopping the stack\n`);
    process.kill(process.ppid, 'SIGTERM');
  }
  process.stdout.write('RESULT 2\nOK');
  ready();
}

process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  buffer += chunk;
  for (;;) {
    if (!expecting) {
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      const header = parseTokens(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
      expecting = { len: Number(header.len ?? 0), header };
    }
    if (Buffer.byteLength(buffer) < expecting.len) return;
    const payload = buffer.slice(0, expecting.len);
    buffer = buffer.slice(expecting.len);
    const { header } = expecting;
    expecting = undefined;
    handle(header, payload);
  }
});
ready();
