/**
 * The edits behind the team endpoints: create a team, change its label, limits and budget, and
 * delete one that no key belongs to. The schema checks every value when the config is saved.
 */
import { InvalidRequestError, TeamExistsError, TeamInUseError, TeamNotFoundError } from '../errors.js';
import { applyFields, pickFields, withList } from './edit.js';

/** Fields `POST /admin/api/teams` accepts. */
export const NEW_TEAM_FIELDS = ['id', 'label', 'limits', 'budget'] as const;
/** Fields `PATCH /admin/api/teams/{id}` accepts (`null` removes one). */
export const TEAM_EDIT_FIELDS = ['label', 'limits', 'budget'] as const;

/** Narrows the body of `POST /admin/api/teams`. */
export function parseNewTeam(body: unknown): Record<string, unknown> & { id: string } {
  const fields = pickFields(body, NEW_TEAM_FIELDS);
  if (typeof fields.id !== 'string' || fields.id === '')
    throw new InvalidRequestError('"id" is required: letters, digits and . _ : @ -.');
  return { ...fields, id: fields.id };
}

/** Narrows the body of `PATCH /admin/api/teams/{id}`. */
export function parseTeamEdit(body: unknown): Record<string, unknown> {
  const fields = pickFields(body, TEAM_EDIT_FIELDS);
  if (Object.keys(fields).length === 0)
    throw new InvalidRequestError(`Send at least one of ${TEAM_EDIT_FIELDS.join(', ')}.`);
  return fields;
}

/** `storedRaw` plus team `fields.id`; 409 when it exists. */
export function withNewTeam(
  storedRaw: unknown,
  fields: Record<string, unknown> & { id: string },
): Record<string, unknown> {
  const { copy, items } = withList(storedRaw, 'teams');
  if (items.some((t) => t.id === fields.id)) throw new TeamExistsError(fields.id);
  const entry: Record<string, unknown> = {};
  applyFields(entry, fields);
  (copy.teams as unknown[]).push(entry);
  return copy;
}

/** `storedRaw` with team `id` changed; 404 when there is no such team. */
export function withTeamEdited(
  storedRaw: unknown,
  id: string,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  const { copy, items } = withList(storedRaw, 'teams');
  const entry = items.find((t) => t.id === id);
  if (!entry) throw new TeamNotFoundError(id);
  applyFields(entry, changes);
  return copy;
}

/** `storedRaw` without team `id`; 409 naming the keys that still belong to it. */
export function withTeamDeleted(storedRaw: unknown, id: string): Record<string, unknown> {
  const { copy, items } = withList(storedRaw, 'teams');
  if (!items.some((t) => t.id === id)) throw new TeamNotFoundError(id);
  const members = withList(copy, 'apiKeys')
    .items.filter((k) => k.team === id)
    .map((k) => String(k.id));
  if (members.length) throw new TeamInUseError(id, members.join(', '));
  copy.teams = (copy.teams as unknown[]).filter(
    (t) => !(typeof t === 'object' && t !== null && (t as { id?: unknown }).id === id),
  );
  return copy;
}
