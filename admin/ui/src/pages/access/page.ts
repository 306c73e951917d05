/**
 * Access: who you are signed in as, the admin API tokens (operators and owners), and the Entra ID
 * sign-in settings (owners change them). docs/admin-identity.md.
 */
import { allowed, currentUser, roleLabel } from '../../access.js';
import { getJson, isRecord } from '../../api.js';
import { card } from '../../components/card.js';
import { facts } from '../../components/table.js';
import { pageHeader } from '../../components/page-header.js';
import { t, type MsgKey } from '../../i18n.js';
import { navigate } from '../../router.js';
import type { Page } from '../../page.js';
import { signInSettings } from './sign-in-settings.js';
import { tokenPanel } from './token-panel.js';

type Json = Record<string, unknown>;

/** The Access page. */
export const accessPage: Page<Json> = {
  title: 'nav.access',
  lead: 'access.lead',
  load: async (signal) => {
    const got = await getJson('/identity', signal);
    return isRecord(got) ? got : {};
  },
  draw: (data, signal) => {
    const me = currentUser();
    return [
      pageHeader(t('nav.access'), t('access.lead')),
      card(
        t('access.you'),
        facts([
          [t('access.colName'), me.name],
          [t('access.colRole'), roleLabel(me.role)],
          [t('access.method'), t(`access.youKind.${me.kind}` as MsgKey)],
        ]),
      ),
      allowed('operator') ? card(t('access.tokens'), tokenPanel(signal), { id: 'tokens' }) : null,
      card(
        t('access.signIn'),
        signInSettings(data, () => navigate('access')),
        { path: '/server/adminAuth' },
      ),
    ];
  },
};
