/**
 * A Lua script run with EVALSHA, falling back to EVAL when Redis does not know it (first use, or
 * a Redis that restarted empty). Scripts are how every read-modify-write on shared state happens:
 * Redis runs each one atomically, so no replica ever acts on a value another has since changed.
 */
import { createHash } from 'node:crypto';

/** A script and its SHA-1, as EVALSHA names it. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

/** Wraps Lua source for `SharedRedis.run`. */
export function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/** True for Redis's "unknown script" error. */
export function isNoScript(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('NOSCRIPT');
}
