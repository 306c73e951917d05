/**
 * The order of a round's runs, so that each run comes right after every other run equally often
 * over a cycle of rounds: once in `n` rounds for an even `n`, twice in `2n` for an odd one (a
 * Williams design). Fewer rounds than a cycle, or rounds past a whole number of cycles, leave
 * some pairs once more than others. A run can leave work behind that the next one pays for (an
 * exporter sending what it held, a worker thread torn down); rotating one fixed order puts the
 * same run after the same run in every round and charges that to one side of a ratio.
 */
export function balancedOrder(n: number, round: number): number[] {
  // The first row 0, 1, n-1, 2, n-2, …; each round adds its number to every place, mod n.
  const first = Array.from({ length: n }, (_, k) => (k === 0 ? 0 : k % 2 ? (k + 1) / 2 : n - k / 2));
  // For an odd n one square is not enough: rounds n to 2n-1 (and so on) run its mirror.
  const row = n % 2 && Math.floor(round / n) % 2 ? [...first].reverse() : first;
  return row.map((k) => (k + round) % n);
}
