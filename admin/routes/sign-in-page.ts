/**
 * The sign-in page: plain HTML made here (no script, so it works before the UI's files may be
 * loaded, which needs a signed-in user), in English or Chinese after the browser's
 * Accept-Language, with "Sign in with Microsoft Entra ID", the local account while break-glass
 * login is on, and the reason of a refused sign-in.
 */

const TEXT = {
  en: {
    title: 'Sign in · Gateway admin',
    heading: 'Sign in to the gateway admin',
    entra: 'Sign in with Microsoft Entra ID',
    local: 'Sign in with the local admin account (break-glass)',
    noOidc: 'Entra ID sign-in is not configured; use the local admin account.',
    refused: 'Sign-in refused',
    signedOut: 'You are signed out.',
  },
  zh: {
    title: '登录 · 网关管理',
    heading: '登录网关管理',
    entra: '使用 Microsoft Entra ID 登录',
    local: '使用本地管理员账户登录（应急）',
    noOidc: '尚未配置 Entra ID 登录；请使用本地管理员账户。',
    refused: '登录被拒绝',
    signedOut: '您已退出登录。',
  },
} as const;

/** CSS of the sign-in page (served at /admin/login.css: the UI's stylesheet needs a signed-in user). */
export const SIGN_IN_CSS = `body{font:16px/1.5 system-ui,sans-serif;background:#f4f5f7;color:#1d2330;margin:0}
main{max-width:28rem;margin:12vh auto;background:#fff;border-radius:12px;padding:2rem;box-shadow:0 2px 12px #0002}
h1{font-size:1.3rem;margin:0 0 1.5rem}a.btn{display:block;text-align:center;padding:.75rem 1rem;border-radius:8px;
text-decoration:none;margin:.75rem 0;border:1px solid #0b5cad;color:#0b5cad}a.primary{background:#0b5cad;color:#fff}
p.error{background:#fdecea;color:#8a1c12;padding:.75rem 1rem;border-radius:8px}p.note{color:#555}`;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The language to use for `acceptLanguage`. */
export function pageLanguage(acceptLanguage: string | undefined): 'en' | 'zh' {
  const first = (acceptLanguage ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('zh') ? 'zh' : 'en';
}

/** The sign-in page's HTML. */
export function signInPage(opts: {
  lang: 'en' | 'zh';
  oidc: boolean;
  localLogin: boolean;
  returnTo: string;
  error?: string;
  signedOut?: boolean;
}): string {
  const t = TEXT[opts.lang];
  const back = encodeURIComponent(opts.returnTo);
  const parts = [
    `<!doctype html><html lang="${opts.lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${t.title}</title><link rel="stylesheet" href="/admin/login.css"></head><body><main>`,
    `<h1>${t.heading}</h1>`,
    opts.error ? `<p class="error" role="alert"><strong>${t.refused}:</strong> ${escapeHtml(opts.error)}</p>` : '',
    opts.signedOut ? `<p class="note" role="status">${t.signedOut}</p>` : '',
    opts.oidc
      ? `<a class="btn primary" id="sign-in-entra" href="/admin/auth/oidc/start?return=${back}">${t.entra}</a>`
      : `<p class="note">${t.noOidc}</p>`,
    opts.localLogin ? `<a class="btn" id="sign-in-local" href="/admin/auth/local?return=${back}">${t.local}</a>` : '',
    '</main></body></html>',
  ];
  return parts.join('');
}
