/**
 * A team's form and its request bodies: the inputs' text for a listed team, the body of
 * `POST /admin/api/teams` and the body of `PATCH /admin/api/teams/{id}` with only what changed
 * (`null` clears a field). DOM-free, so unit tests import it.
 */
import type { Issue } from '../../api.js';
import {
  changedFields,
  ENTRY_ID,
  governanceBody,
  governanceValues,
  type EntryBody,
  type GovernanceValues,
} from '../../governance-values.js';
import { t } from '../../i18n.js';

type Json = Record<string, unknown>;

/** What a team's inputs hold, as typed. */
export interface TeamValues extends GovernanceValues {
  /** Only when creating. */
  id: string;
  label: string;
}

/** The inputs' text for a listed team. */
export function teamValues(team: Json): TeamValues {
  return {
    id: typeof team.id === 'string' ? team.id : '',
    label: typeof team.label === 'string' ? team.label : '',
    ...governanceValues(team),
  };
}

function fields(v: TeamValues): { values: Json; problems: Issue[] } {
  const gov = governanceBody(v);
  return {
    values: { label: v.label.trim() || undefined, limits: gov.limits, budget: gov.budget },
    problems: gov.problems,
  };
}

/** The body of `POST /admin/api/teams`: the id (required) and the fields that are set. */
export function newTeamBody(v: TeamValues): EntryBody {
  const { values, problems } = fields(v);
  const id = v.id.trim();
  if (!ENTRY_ID.test(id)) problems.unshift({ path: '/id', message: t(id ? 'teams.idInvalid' : 'teams.idRequired') });
  const body: Json = { id };
  for (const [f, value] of Object.entries(values)) if (value !== undefined) body[f] = value;
  return { body, problems };
}

/** The body of `PATCH /admin/api/teams/{id}` from the listed team `before`. */
export function teamEditBody(before: Json, v: TeamValues): EntryBody {
  const { values, problems } = fields(v);
  return { body: changedFields(before, values), problems };
}
