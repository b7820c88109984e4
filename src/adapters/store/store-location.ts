/**
 * Where the history store is: `--store` values (a file path, `sqlite:PATH`, or a `postgres://` /
 * `postgresql://` URL), chosen by precedence --store, then $NETPOL_AUDIT_STORE, then the config, then the
 * default `${XDG_DATA_HOME:-$HOME/.local/share}/netpol-audit/history.sqlite`. What is shown to people never
 * holds a password.
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../../core/model/user-error.js';

export const STORE_ENV = 'NETPOL_AUDIT_STORE';

export type StoreLocation =
  | { readonly kind: 'sqlite'; readonly path: string; readonly display: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly display: string };

export type StoreLocationSource = 'option' | 'env' | 'config' | 'default';

export interface ChosenStoreLocation {
  readonly location: StoreLocation;
  readonly from: StoreLocationSource;
}

const EXPECTED = 'expected a file path, sqlite:PATH, or a postgres://user@host:port/database URL';

/** The URL with its password (in the user info or a `password` query parameter) replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    if (u.searchParams.has('password')) u.searchParams.set('password', '***');
    return u.toString().replace(/password=%2A%2A%2A/g, 'password=***');
  } catch {
    return redactCredentials(url);
  }
}

/** Any `scheme://user:password@` or `password=...` in free text, with the password replaced by `***`. */
export function redactCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]*@/gi, '$1:***@').replace(/\b(password=)[^&\s]*/gi, '$1***');
}

function expandHome(path: string, env: NodeJS.ProcessEnv): string {
  if (path === '~' || path.startsWith('~/')) return join(env['HOME'] || homedir(), path.slice(1));
  return path;
}

/** Parses one store value; `origin` says where it came from (e.g. `--store`) for the error message. */
export function parseStoreLocation(value: string, origin: string, env: NodeJS.ProcessEnv = process.env): StoreLocation {
  const text = value.trim();
  if (text === '') throw new UserError(`${origin}: the store is empty`, EXPECTED);
  if (/^postgres(ql)?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new UserError(`${origin}: "${redactCredentials(text)}" is not a valid URL`, EXPECTED);
    }
    if (!url.hostname && !url.searchParams.has('host')) throw new UserError(`${origin}: "${redactUrl(text)}" names no host`, EXPECTED);
    return { kind: 'postgres', url: text, display: redactUrl(text) };
  }
  if (/^sqlite:/i.test(text)) {
    const path = text.slice('sqlite:'.length);
    if (path.trim() === '') throw new UserError(`${origin}: "${text}" names no file`, EXPECTED);
    const abs = resolve(expandHome(path, env));
    return { kind: 'sqlite', path: abs, display: abs };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new UserError(`${origin}: "${redactUrl(text)}" is not a supported store`, EXPECTED);
  }
  const abs = resolve(expandHome(text, env));
  return { kind: 'sqlite', path: abs, display: abs };
}

/** `${XDG_DATA_HOME:-$HOME/.local/share}/netpol-audit/history.sqlite` (a relative XDG_DATA_HOME is ignored, as the spec says). */
export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env['XDG_DATA_HOME'];
  const base = xdg && isAbsolute(xdg) ? xdg : join(env['HOME'] || homedir(), '.local', 'share');
  return join(base, 'netpol-audit', 'history.sqlite');
}

export function chooseStoreLocation(input: { option?: string; env?: NodeJS.ProcessEnv; config?: string }): ChosenStoreLocation {
  const env = input.env ?? process.env;
  if (input.option !== undefined) return { location: parseStoreLocation(input.option, '--store', env), from: 'option' };
  const fromEnv = env[STORE_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { location: parseStoreLocation(fromEnv, `$${STORE_ENV}`, env), from: 'env' };
  if (input.config !== undefined) return { location: parseStoreLocation(input.config, 'config "store"', env), from: 'config' };
  const path = defaultStorePath(env);
  return { location: { kind: 'sqlite', path, display: path }, from: 'default' };
}
