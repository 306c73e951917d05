/**
 * A browser's part of an Entra ID sign-in, without a browser, for the admin app under inject():
 * start at the admin, follow the provider's redirects with its cookies, fill its login form (any
 * password) and consent form, and hand the provider's answer to the admin's callback.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { SESSION_COOKIE, SIGN_IN_COOKIE } from '../../admin/identity/sessions.js';

/** The redirect URI of the admin app under inject() (its Host is localhost:80, the default port). */
export const INJECT_REDIRECT_URI = 'http://localhost/admin/auth/oidc/callback';

/** The cookie `name` set by `res`, if any. */
export function setCookieOf(res: LightMyRequestResponse, name: string): string | undefined {
  const raw = res.headers['set-cookie'];
  for (const c of [raw ?? []].flat()) if (c.startsWith(`${name}=`)) return c;
  return undefined;
}

function cookieValueOf(setCookie: string | undefined): string {
  return setCookie?.split(';')[0]?.split('=').slice(1).join('=') ?? '';
}

function formOf(html: string, base: string): { action: string; fields: URLSearchParams } {
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form?.[1]) throw new Error(`no form on the provider's page: ${html.slice(0, 300)}`);
  const fields = new URLSearchParams();
  for (const m of (form[2] ?? '').matchAll(/<input[^>]*name="([^"]+)"[^>]*>/g)) {
    const value = /value="([^"]*)"/.exec(m[0])?.[1] ?? '';
    fields.set(m[1] ?? '', value);
  }
  return { action: new URL(form[1].replace(/&amp;/g, '&'), base).href, fields };
}

/** The provider's answer (the callback URL) after `login` signs in at `authorizeUrl`. */
export async function providerAnswer(authorizeUrl: string, login: string, callbackPrefix: string): Promise<URL> {
  const jar = new Map<string, string>();
  let url = authorizeUrl;
  let init: RequestInit = {};
  for (let step = 0; step < 20; step++) {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    init = {};
    const location = res.headers.get('location');
    if (location) {
      const next = new URL(location, url);
      if (next.href.startsWith(new URL(callbackPrefix).href)) return next;
      url = next.href;
      continue;
    }
    const html = await res.text();
    const form = formOf(html, url);
    if (form.fields.has('login')) {
      form.fields.set('login', login);
      form.fields.set('password', 'any password');
    }
    url = form.action;
    init = { method: 'POST', body: form.fields, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  }
  throw new Error('the provider never redirected back to the admin');
}

/** Signs `login` in through the admin app; returns the callback's answer and the session cookie value. */
export async function signIn(
  app: FastifyInstance,
  login: string,
): Promise<{ callback: LightMyRequestResponse; session: string | undefined }> {
  const start = await app.inject({ method: 'GET', url: '/admin/auth/oidc/start?return=/admin/keys' });
  if (start.statusCode !== 302) throw new Error(`sign-in did not start: ${start.statusCode} ${start.body}`);
  const signin = cookieValueOf(setCookieOf(start, SIGN_IN_COOKIE));
  const answer = await providerAnswer(String(start.headers.location), login, INJECT_REDIRECT_URI);
  const callback = await app.inject({
    method: 'GET',
    url: `${answer.pathname}${answer.search}`,
    headers: { cookie: `${SIGN_IN_COOKIE}=${signin}` },
  });
  const session = setCookieOf(callback, SESSION_COOKIE);
  const value = cookieValueOf(session);
  return { callback, session: value === '' ? undefined : value };
}

/** The Cookie header of a session. */
export function sessionCookie(value: string): string {
  return `${SESSION_COOKIE}=${value}`;
}
