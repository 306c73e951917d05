/**
 * The order of a round's runs, so that over `n` rounds each run comes right after every other
 * run once (a Williams square). A run can leave work behind that the next one pays for (an
 * exporter sending what it held, a worker thread torn down); rotating one fixed order puts the
 * same run after the same run in every round and charges that to one side of a ratio.
 */
export function balancedOrder(n: number, round: number): number[] {
  // The first row 0, 1, n-1, 2, n-2, …; each round adds its number to every place, mod n.
  const first = Array.from({ length: n }, (_, k) => (k === 0 ? 0 : k % 2 ? (k + 1) / 2 : n - k / 2));
  // For an odd n a square is not enough: odd rounds run the mirror of the even ones.
  const row = n % 2 && Math.floor(round / n) % 2 ? [...first].reverse() : first;
  return row.map((k) => (k + round) % n);
}
