/**
 * The UI's one way to redraw. A component is a view: a function of its props and its own state
 * that returns the children of a host element it owns (and may set that host's attributes).
 * `set` changes the state and schedules a redraw of that component alone; every change made in
 * one task draws once, in a microtask. A redraw keeps, in place, each child node the view returns
 * again (the same object), so a parent can hold on to a child component's host, or an input the
 * user is typing in, and redraw around it without losing its state or focus; every other child is
 * replaced. The first draw happens at once, so a parent can compose the host immediately.
 */
import { nodes, type Child } from './dom.js';

/** What a view gets besides its props: its host, its state and the ways to change them. */
export interface Self<S, H extends Element = HTMLElement> {
  /** The element whose children the view draws. */
  readonly host: H;
  /** The current state (replaced, never mutated, by `set`). */
  readonly state: Readonly<S>;
  /** Merges `patch` into the state and schedules a redraw. */
  set(patch: Partial<S>): void;
  /** Schedules a redraw with the same state (the view also reads data from outside, e.g. the config draft). */
  redraw(): void;
  /** Runs `fn` after the next draw (to focus or measure what it drew); schedules one unless drawing now. */
  after(fn: () => void): void;
  /** Redraws whenever `subscribe`'s listener fires, until that happens with the host out of the document. */
  listen(subscribe: (listener: () => void) => () => unknown): void;
}

/** A component's view: its host's children from its props and state. */
export type View<P, S, H extends Element = HTMLElement> = (props: P, self: Self<S, H>) => Child;

/** The components whose redraw is scheduled, drawn in the next microtask. */
const queue = new Set<{ draw(): void }>();

function flush(): void {
  for (const inst of queue) {
    queue.delete(inst);
    inst.draw();
  }
}

class Instance<P, S, H extends Element> implements Self<S, H> {
  private afterDraw: (() => void)[] = [];
  private drawing = false;

  constructor(
    readonly host: H,
    private readonly view: View<P, S, H>,
    private readonly props: P,
    public state: Readonly<S>,
  ) {}

  set(patch: Partial<S>): void {
    this.state = { ...this.state, ...patch };
    this.redraw();
  }

  redraw(): void {
    if (queue.size === 0) queueMicrotask(flush);
    queue.add(this);
  }

  after(fn: () => void): void {
    this.afterDraw.push(fn);
    if (!this.drawing) this.redraw();
  }

  listen(subscribe: (listener: () => void) => () => unknown): void {
    const stop = subscribe(() => {
      if (this.host.isConnected) this.redraw();
      else stop();
    });
  }

  draw(): void {
    const asked = this.afterDraw;
    this.afterDraw = [];
    this.drawing = true;
    try {
      keep(this.host, nodes(this.view(this.props, this)));
    } finally {
      this.drawing = false;
    }
    // What the view asked for completes the draw, so it runs before what was asked from outside.
    const fns = [...this.afterDraw, ...asked];
    this.afterDraw = [];
    for (const fn of fns) fn();
  }
}

/** Makes `host`'s children exactly `next`; the ones it already has stay where they are, unmoved. */
function keep(host: Element, next: Node[]): void {
  // Removing the others first means a kept node is only moved when the view reorders it.
  const wanted = new Set(next);
  for (const child of [...host.childNodes]) if (!wanted.has(child)) child.remove();
  let cur = host.firstChild;
  for (const node of next) {
    if (node === cur) {
      cur = cur.nextSibling;
      continue;
    }
    host.insertBefore(node, cur);
  }
}

/** Draws `view` into `host` now, with `props` and the initial `state`; later changes redraw it. */
export function component<P, S, H extends Element>(
  host: H,
  view: View<P, S, H>,
  props: P,
  state: NoInfer<S>,
): Self<S, H> {
  const inst = new Instance(host, view, props, state);
  inst.draw();
  return inst;
}
