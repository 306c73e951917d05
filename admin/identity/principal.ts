/** Who made an admin request, as the role checks and the audit log see it. */
import type { AdminRole } from './roles.js';

/** How the caller proved who it is. */
export type PrincipalKind = 'oidc' | 'local' | 'token' | 'loopback';

/** The signed-in identity of one request. */
export interface Principal {
  kind: PrincipalKind;
  /** How the audit log names it: `oidc:<subject> <email> (<name>)`, `local:admin`, `token:<id> <name>`. */
  actor: string;
  role: AdminRole;
  /** A short name for the UI's header. */
  display: string;
  /** The sign-in session (OIDC), so logout can end it. */
  sessionId?: string;
  /** The admin API token used. */
  tokenId?: string;
}
