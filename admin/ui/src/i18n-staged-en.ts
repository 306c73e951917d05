/** English texts of access warnings in the review and the staged-change banner (part of i18n-en.ts). */
export const enStaged = {
  'access.title': 'What this change does to access',
  'access.domainsAdded':
    'The gateway will answer at {names}. A certificate has to be issued for it first; until then the current address keeps working.',
  'access.caChanged':
    'Certificates for {names} will come from another CA; the current ones keep serving until the new ones are issued.',
  'access.adminMoves':
    'After this change the admin is reached at {url}; the current address ({current}) stops working once the change is committed.',
  'access.domainsRemoved': '{names} will no longer be served once the change is committed.',
  'access.portConfirm':
    'HTTPS moves to port {port}. Open the new address and confirm there (or confirm here); unconfirmed, the change is undone by itself.',
  'access.httpPortMoves': 'Plain HTTP (the redirect to HTTPS) moves from port {from} to port {to}.',
  'access.staged':
    'The change is staged: the old and the new address both work until it is committed, and it is undone by itself if it is not committed in time.',
  'access.adminOff':
    'Admin login is turned off: the admin is then no longer reachable through Caddy, only on the server itself (127.0.0.1).',
  'access.userChanged': 'The admin user becomes "{user}": the browser will ask you to sign in again.',
  'access.passwordChanged': 'The admin password changes: the browser will ask you to sign in again.',

  'staged.title': 'A domain, TLS or port change is staged',
  'staged.waitingCert': 'Waiting for the certificate of {host}.',
  'staged.certIssued': 'The certificate of {host} is issued.',
  'staged.certError': 'Not yet: {error}',
  'staged.probe.no_certificate': 'Caddy has no certificate for it yet.',
  'staged.probe.not_listening': 'Nothing listens on the HTTPS port yet.',
  'staged.probe.timeout': 'The TLS handshake timed out.',
  'staged.probe.not_covered': 'The certificate presented does not cover this name.',
  'staged.probe.handshake_failed': 'The TLS handshake failed.',
  'staged.acmeError': "Caddy's last ACME error: {error}",
  'staged.waitingConfirm': 'HTTPS is moving from port {from} to port {to}: open {url} and confirm there.',
  'staged.countdown': 'Undone by itself in {time} unless committed.',
  'staged.confirm': 'Confirm the change',
  'staged.confirmHelp': 'Commits the change as it is, even without a certificate: the old address then stops working.',
  'staged.cancel': 'Undo now',
  'staged.committed': 'The staged change was committed.',
  'staged.rolledBack': 'The staged change was undone.',
  'staged.reason.issued': 'Every new certificate was issued.',
  'staged.reason.confirmed': 'You confirmed it.',
  'staged.reason.confirmed_from_new_address': 'You confirmed it from the new address.',
  'staged.reason.cancelled': 'You undid it.',
  'staged.reason.timed_out': 'It was not committed in time (still missing: {missing}), so it was undone by itself.',
  'staged.reason.commit_failed': 'Committing it failed, so the previous settings were restored: {detail}',
  'staged.reason.not_applied': 'The staged configuration could not be applied.',
  'staged.nothingMissing': 'your confirmation',
  'staged.dismiss': 'Dismiss',
  'audit.action.staged.confirm': 'Staged change confirmed',
  'audit.action.staged.cancel': 'Staged change undone',
  'audit.action.staged.commit': 'Staged change committed (certificates issued)',
  'audit.action.staged.rollback': 'Staged change rolled back (not committed in time)',
} as const;
