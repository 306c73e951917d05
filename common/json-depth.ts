/** Guarding code that recurses over parsed JSON (structuredClone, validation) against deep nesting. */

/** True when `value` nests arrays/objects deeper than `max` levels (checked without recursion). */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** The deepest a valid config can be, with room to spare (the schema's deepest path is ~6). */
export const MAX_CONFIG_DEPTH = 32;
