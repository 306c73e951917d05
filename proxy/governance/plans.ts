/**
 * Who is limited by what, compiled once per config snapshot: for each key, the scopes a request
 * is counted in (the key, then its team) with their limits and budgets. Keys with neither limits
 * nor budgets, in a team with neither, have no plan and skip governance entirely.
 */
import type { ApiKeyEntry, Config, Limits } from '../../common/config/schema.js';
import type { ScopePlan } from './state.js';

/** A key's scopes, and whether a token estimate is needed to admit its requests. */
export interface KeyPlan {
  scopes: ScopePlan[];
  needsTokenEstimate: boolean;
}

const usesTokens = (l: Limits): boolean =>
  l.tokensPerMinute !== undefined || l.tokensPerDay !== undefined || l.tokensPerMonth !== undefined;
const hasAny = (s: ScopePlan): boolean => Object.keys(s.limits).length > 0 || s.budget !== undefined;

/** The plans of one config. */
export class GovernancePlans {
  private readonly byKey = new Map<string, KeyPlan>();

  constructor(config: Readonly<Config>) {
    const teams = new Map(config.teams.map((t) => [t.id, t]));
    for (const key of config.apiKeys) {
      const scopes: ScopePlan[] = [
        { scope: `key:${key.id}`, label: `key "${key.id}"`, limits: key.limits ?? {}, budget: key.budget },
      ];
      const team = key.team !== undefined ? teams.get(key.team) : undefined;
      if (team)
        scopes.push({
          scope: `team:${team.id}`,
          label: `team "${team.id}"`,
          limits: team.limits ?? {},
          budget: team.budget,
        });
      if (!scopes.some(hasAny)) continue;
      this.byKey.set(key.id, { scopes, needsTokenEstimate: scopes.some((s) => usesTokens(s.limits)) });
    }
  }

  /** The plan of `key`, or undefined when nothing limits it. */
  of(key: ApiKeyEntry): KeyPlan | undefined {
    return this.byKey.get(key.id);
  }
}
