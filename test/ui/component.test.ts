/**
 * The UI's redraw mechanism (component.ts) on a minimal stand-in for DOM elements: the first draw
 * is immediate, changes made together draw once, nodes the view returns again stay where they
 * are, `after` runs once the draw is done, and a listener stops once its host has left the page.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { component, type Self } from '../../admin/ui/js/component.js';
import type { Child } from '../../admin/ui/js/dom.js';

/** Just what component.ts uses of a DOM node: its place among its parent's children. */
class FakeNode {
  parent: FakeElement | undefined;
  moves = 0;
  constructor(readonly name: string) {}
  get nextSibling(): FakeNode | null {
    const siblings = this.parent?.kids ?? [];
    return siblings[siblings.indexOf(this) + 1] ?? null;
  }
  remove(): void {
    if (!this.parent) return;
    this.parent.kids.splice(this.parent.kids.indexOf(this), 1);
    this.parent = undefined;
  }
}

class FakeElement extends FakeNode {
  kids: FakeNode[] = [];
  isConnected = true;
  get firstChild(): FakeNode | null {
    return this.kids[0] ?? null;
  }
  get childNodes(): FakeNode[] {
    return this.kids;
  }
  insertBefore(node: FakeNode, ref: FakeNode | null): void {
    node.remove();
    node.moves += 1;
    node.parent = this;
    const at = ref ? this.kids.indexOf(ref) : -1;
    if (at < 0) this.kids.push(node);
    else this.kids.splice(at, 0, node);
  }
}

// The test's program has no DOM types: the stand-ins pass as what component() takes and views return.
const asElement = (e: FakeElement) => e as unknown as Parameters<typeof component>[0];
const asNode = (n: FakeNode) => n as unknown as Child;
const names = (e: FakeElement) => e.kids.map((k) => k.name);
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

test('the first draw is immediate; changes made together draw once, with the merged state', async () => {
  const host = new FakeElement('host');
  let draws = 0;
  const view = (_: null, self: Self<{ a: number; b: number }>) => {
    draws += 1;
    return asNode(new FakeNode(`a${self.state.a}-b${self.state.b}`));
  };
  const self = component(asElement(host), view, null, { a: 0, b: 0 });
  assert.deepEqual([draws, names(host)], [1, ['a0-b0']]);
  self.set({ a: 1 });
  self.set({ b: 2 });
  self.redraw();
  assert.equal(draws, 1, 'nothing drawn before the microtask');
  await tick();
  assert.deepEqual([draws, names(host)], [2, ['a1-b2']]);
});

test('a node the view returns again keeps its place; the others are replaced', async () => {
  const host = new FakeElement('host');
  const kept = new FakeNode('kept');
  const self = component(
    asElement(host),
    (_: null, s: Self<{ n: number }>) => [
      asNode(new FakeNode(`before${s.state.n}`)),
      asNode(kept),
      asNode(new FakeNode(`after${s.state.n}`)),
    ],
    null,
    { n: 0 },
  );
  assert.equal(kept.moves, 1);
  self.set({ n: 1 });
  await tick();
  assert.deepEqual(names(host), ['before1', 'kept', 'after1']);
  assert.equal(kept.moves, 1, 'never taken out and put back');
});

test('after() runs once the draw is done, also when asked for during the draw', async () => {
  const host = new FakeElement('host');
  const seen: string[] = [];
  const self = component(
    asElement(host),
    (_: null, s: Self<{ n: number }>) => {
      s.after(() => seen.push(`drawn ${names(host).join()}`));
      return asNode(new FakeNode(`n${s.state.n}`));
    },
    null,
    { n: 0 },
  );
  assert.deepEqual(seen, ['drawn n0']);
  self.set({ n: 1 });
  self.after(() => seen.push('then focus'));
  await tick();
  assert.deepEqual(seen, ['drawn n0', 'drawn n1', 'then focus']);
});

test('a subscription redraws while the host is in the page, and stops once it is not', async () => {
  const host = new FakeElement('host');
  const listeners = new Set<() => void>();
  const subscribe = (fn: () => void) => {
    listeners.add(fn);
    return () => listeners.delete(fn);
  };
  let draws = 0;
  const self = component(
    asElement(host),
    () => {
      draws += 1;
      return null;
    },
    null,
    {},
  );
  self.listen(subscribe);
  for (const l of [...listeners]) l();
  await tick();
  assert.equal(draws, 2);
  host.isConnected = false;
  for (const l of [...listeners]) l();
  await tick();
  assert.deepEqual([draws, listeners.size], [2, 0]);
});
