/**
 * PostgreSQL for integration tests: $NETPOL_TEST_PG_URL, or a throwaway server started by
 * scripts/test-postgres.sh when the Debian binaries are installed. Each test gets a fresh database.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Availability } from './infra.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/test-postgres.sh', import.meta.url));

function hasBinaries(): boolean {
  if (process.env['NETPOL_PG_BIN_DIR']) return existsSync(`${process.env['NETPOL_PG_BIN_DIR']}/initdb`);
  try {
    return readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
  } catch {
    return false;
  }
}

let cached: (Availability & { url?: string }) | undefined;

/** Synchronous, so suites can decide at collection time whether they run. */
export function postgresServer(): Availability & { url?: string } {
  if (cached) return cached;
  const fromEnv = process.env['NETPOL_TEST_PG_URL'];
  if (fromEnv) return (cached = { available: true, url: fromEnv });
  if (!hasBinaries()) {
    return (cached = {
      available: false,
      reason: 'NETPOL_TEST_PG_URL is unset and no PostgreSQL binaries are under /usr/lib/postgresql/*/bin (apt-get install postgresql)',
    });
  }
  try {
    const url = execFileSync('bash', [SCRIPT, 'url'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 }).trim();
    return (cached = { available: true, url });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    return (cached = { available: false, reason: `scripts/test-postgres.sh url failed: ${(err.stderr || err.message).trim()}` });
  }
}

/** A new empty database on the test server; returns its URL and a function that drops it. */
export async function freshDatabase(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `netpol_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
