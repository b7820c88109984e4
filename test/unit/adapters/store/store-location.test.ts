import { describe, expect, it } from 'vitest';
import { chooseStoreLocation, defaultStorePath, parseStoreLocation, redactCredentials, redactUrl } from '../../../../src/adapters/store/store-location.js';
import { UserError } from '../../../../src/core/model/user-error.js';

const env = { HOME: '/home/ann' };

describe('store locations', () => {
  it('reads file paths, sqlite:PATH and postgres URLs', () => {
    expect(parseStoreLocation('/var/lib/h.sqlite', '--store', env)).toEqual({ kind: 'sqlite', path: '/var/lib/h.sqlite', display: '/var/lib/h.sqlite' });
    expect(parseStoreLocation('sqlite:/data/h.db', '--store', env)).toMatchObject({ kind: 'sqlite', path: '/data/h.db' });
    expect(parseStoreLocation('~/h.sqlite', '--store', env)).toMatchObject({ kind: 'sqlite', path: '/home/ann/h.sqlite' });
    expect(parseStoreLocation('rel/h.sqlite', '--store', env)).toMatchObject({ kind: 'sqlite', path: `${process.cwd()}/rel/h.sqlite` });
    expect(parseStoreLocation('postgres://audit@db:5432/history', '--store', env)).toEqual({
      kind: 'postgres',
      url: 'postgres://audit@db:5432/history',
      display: 'postgres://audit@db:5432/history',
    });
    expect(parseStoreLocation('postgresql://db/history', '--store', env)).toMatchObject({ kind: 'postgres' });
  });

  it('never shows a password in the location', () => {
    const loc = parseStoreLocation('postgres://audit:hunter2@db:5432/history?sslmode=require', '--store', env);
    expect(loc).toMatchObject({ kind: 'postgres', url: 'postgres://audit:hunter2@db:5432/history?sslmode=require' });
    expect(loc.display).toBe('postgres://audit:***@db:5432/history?sslmode=require');
    expect(redactUrl('postgres://db/history?user=a&password=hunter2')).toBe('postgres://db/history?user=a&password=***');
    expect(redactCredentials('connect postgres://a:b%40c@h/d failed; password=xyz')).toBe('connect postgres://a:***@h/d failed; password=***');
  });

  it('rejects what it cannot use, saying where the value came from and what was expected', () => {
    const fail = (value: string) => {
      try {
        parseStoreLocation(value, '$NETPOL_AUDIT_STORE', env);
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        return `${(e as UserError).message} | ${(e as UserError).hint}`;
      }
      throw new Error(`accepted ${value}`);
    };
    expect(fail('')).toBe('$NETPOL_AUDIT_STORE: the store is empty | expected a file path, sqlite:PATH, or a postgres://user@host:port/database URL');
    expect(fail('sqlite:')).toMatch(/^\$NETPOL_AUDIT_STORE: "sqlite:" names no file/);
    expect(fail('mysql://root:toor@db/h')).toMatch(/^\$NETPOL_AUDIT_STORE: "mysql:\/\/root:\*\*\*@db\/h" is not a supported store/);
    expect(fail('postgres://u:secret@[bad/h')).toMatch(/is not a valid URL/);
    expect(fail('postgres://u:secret@[bad/h')).not.toContain('secret');
  });

  it('chooses --store, then $NETPOL_AUDIT_STORE, then the config, then the default', () => {
    const all = { option: '/a.sqlite', env: { ...env, NETPOL_AUDIT_STORE: '/b.sqlite' }, config: '/c.sqlite' };
    expect(chooseStoreLocation(all)).toMatchObject({ from: 'option', location: { path: '/a.sqlite' } });
    expect(chooseStoreLocation({ ...all, option: undefined })).toMatchObject({ from: 'env', location: { path: '/b.sqlite' } });
    expect(chooseStoreLocation({ ...all, option: undefined, env })).toMatchObject({ from: 'config', location: { path: '/c.sqlite' } });
    expect(chooseStoreLocation({ env: { ...env, NETPOL_AUDIT_STORE: '' } })).toEqual({
      from: 'default',
      location: { kind: 'sqlite', path: '/home/ann/.local/share/netpol-audit/history.sqlite', display: '/home/ann/.local/share/netpol-audit/history.sqlite' },
    });
  });

  it('puts the default under $XDG_DATA_HOME when it is absolute', () => {
    expect(defaultStorePath({ ...env, XDG_DATA_HOME: '/xdg' })).toBe('/xdg/netpol-audit/history.sqlite');
    expect(defaultStorePath({ ...env, XDG_DATA_HOME: 'relative' })).toBe('/home/ann/.local/share/netpol-audit/history.sqlite');
    expect(defaultStorePath({ ...env, XDG_DATA_HOME: '' })).toBe('/home/ann/.local/share/netpol-audit/history.sqlite');
  });
});
