/**
 * The order in which a request tries the targets of a model: the lowest priority tier first;
 * within a tier, targets with rate-limit room before nearly exhausted ones, each group in a
 * weighted random order (Efraimidis–Spirakis: sort by u^(1/w)), so weights spread the load.
 * Targets that are cooling down or whose circuit is open stay in the list; the relay skips them
 * and uses their wait times when every target is unavailable.
 */
import type { ResolvedTarget } from './model-catalog.js';
import type { TargetStates } from './target-state.js';

/** The identity of a target in state, logs and usage: `upstream/deployment`. */
export function targetKey(t: ResolvedTarget): string {
  return `${t.upstream.name}/${t.deployment}`;
}

function weightedShuffle(targets: ResolvedTarget[], random: () => number): ResolvedTarget[] {
  // Weight 0 means standby: after every weighted target of the tier.
  const keyed = targets.map((t) => ({ t, k: t.weight > 0 ? Math.pow(random(), 1 / t.weight) : -1 }));
  return keyed.sort((a, b) => b.k - a.k).map((x) => x.t);
}

/** The targets in the order to try them. */
export function orderTargets(
  targets: readonly ResolvedTarget[],
  states: TargetStates,
  random: () => number = Math.random,
): ResolvedTarget[] {
  if (targets.length <= 1) return [...targets];
  const tiers = new Map<number, ResolvedTarget[]>();
  for (const t of targets) tiers.set(t.priority, [...(tiers.get(t.priority) ?? []), t]);
  const ordered: ResolvedTarget[] = [];
  for (const priority of [...tiers.keys()].sort((a, b) => a - b)) {
    const tier = tiers.get(priority) ?? [];
    const roomy = tier.filter((t) => !states.nearlyExhausted(targetKey(t)));
    const exhausted = tier.filter((t) => states.nearlyExhausted(targetKey(t)));
    ordered.push(...weightedShuffle(roomy, random), ...weightedShuffle(exhausted, random));
  }
  return ordered;
}
