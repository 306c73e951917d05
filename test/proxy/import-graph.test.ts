// The data plane's modules form layers: upstream/ (talking to Azure) at the bottom, targets/
// above it, relay/ above that, the routes and app.ts on top. No import cycles, no file reaching
// up a layer, and no file but app.ts and the client API's route table importing a route or the
// relay's hub. Read from the sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const PROXY = path.join(ROOT, 'proxy');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : [],
  );
}

/** proxy/-relative file → the proxy/-relative files it imports (type-only imports included). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(PROXY)) {
    const text = readFileSync(file, 'utf8');
    const targets: string[] = [];
    for (const m of text.matchAll(/^\s*(?:import|export)\s(?:[^;'"]*?\sfrom\s)?'(\.[^']+)'/gm)) {
      const resolved = path.resolve(path.dirname(file), (m[1] ?? '').replace(/\.js$/, '.ts'));
      if (resolved.startsWith(PROXY + path.sep)) targets.push(path.relative(PROXY, resolved));
    }
    graph.set(path.relative(PROXY, file), targets);
  }
  return graph;
}

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

const graph = importGraph();
const importers = (pattern: RegExp) =>
  [...graph].flatMap(([file, deps]) => deps.filter((d) => pattern.test(d)).map((d) => `${file} → ${d}`));

test('the reader sees the imports it should (so the rules below can fail)', () => {
  assert.ok((graph.get('routes/client-api.ts') ?? []).includes('relay/relay.ts'));
  assert.ok((graph.get('targets/failover.ts') ?? []).includes('upstream/read-body.ts'));
  assert.deepEqual(
    cycles(
      new Map([
        ['a', ['b']],
        ['b', ['c']],
        ['c', ['a']],
      ]),
    ),
    [['a', 'b', 'c', 'a']],
  );
});

test('no import cycles in proxy/', () => {
  assert.deepEqual(cycles(graph), []);
});

test('layers: upstream/ imports no targets/, relay/ or routes/; targets/ no relay/ or routes/', () => {
  const upward = [...graph].flatMap(([file, deps]) => {
    const above = file.startsWith('upstream/')
      ? /^(targets|relay|routes)\//
      : file.startsWith('targets/')
        ? /^(relay|routes)\//
        : undefined;
    return above ? deps.filter((d) => above.test(d)).map((d) => `${file} → ${d}`) : [];
  });
  assert.deepEqual(upward, []);
});

test("only app.ts and the route table import the routes and the relay's hub", () => {
  assert.deepEqual(
    importers(/^routes\/|^relay\/relay\.ts$/).filter(
      (edge) => !edge.startsWith('app.ts → ') && !edge.startsWith('routes/client-api.ts → '),
    ),
    [],
  );
});
