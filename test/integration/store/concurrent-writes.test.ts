/**
 * Several processes writing to one store at once, and a process killed in the middle of a write: every
 * committed snapshot is there and intact, the half-written one is absent, and the store takes writes again.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChosenHistoryStore } from '../../../src/adapters/store/open-history-store.js';
import { describeWith } from '../../support/infra.js';
import { compileForChild } from '../../support/compile-for-child.js';
import { freshDatabase, postgresServer } from '../../support/postgres.js';
import { syntheticSnapshot } from '../../support/synthetic-snapshot.js';

const CHILD = fileURLToPath(new URL('./store-writer-child.ts', import.meta.url));
let child: { script: string; cleanup: () => void };

beforeAll(() => {
  child = compileForChild(CHILD);
});
afterAll(() => child?.cleanup());

interface ChildRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the writer; with `killAfter`, kills it (SIGKILL) once its stdout shows that line. */
function runWriter(args: (string | number)[], killAfter?: string): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child.script, ...args.map(String)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (killAfter && stdout.includes(`${killAfter}\n`)) p.kill('SIGKILL');
    });
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const WRITERS = 5;
const PER_WRITER = 4;

/** What every writer's snapshots must look like when read back. */
async function expectAllIntact(store: string): Promise<void> {
  const s = await openChosenHistoryStore({ option: store });
  try {
    const metas = await s.listSnapshots();
    expect(metas).toHaveLength(WRITERS * PER_WRITER);
    expect(new Set(metas.map((m) => m.id)).size).toBe(metas.length);
    for (let w = 0; w < WRITERS; w++) {
      const mine = metas.filter((m) => m.cluster === `c${w}`);
      expect(mine).toHaveLength(PER_WRITER);
      for (const [i, m] of mine.entries()) {
        const expected = syntheticSnapshot({ cluster: `c${w}`, pods: 120, seed: `c${w}-${i}` });
        const back = await s.getSnapshot(m.id);
        expect(back!.contentHash).toBe(expected.contentHash);
        expect(back!.pods).toHaveLength(120);
      }
    }
  } finally {
    await s.close();
  }
}

async function concurrentWriters(store: string): Promise<void> {
  // the store is fresh: the writers also race to create its schema
  const runs = await Promise.all(Array.from({ length: WRITERS }, (_, w) => runWriter([store, `c${w}`, PER_WRITER, 120, 25])));
  for (const r of runs) {
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }
  await expectAllIntact(store);
}

/** One committed snapshot, then a write killed after 3 of its 20 chunks; returns the committed one's id. */
async function crashMidWrite(store: string): Promise<string> {
  const first = await runWriter([store, 'before', 1, 40, 10]);
  expect(first.code).toBe(0);
  const id = /saved (\d+)/.exec(first.stdout)?.[1] as string;
  const killed = await runWriter([store, 'crashing', 1, 2000, 100, 500], 'chunk 3/20');
  expect(killed.signal).toBe('SIGKILL');
  expect(killed.stdout).not.toMatch(/saved/);

  const s = await openChosenHistoryStore({ option: store });
  try {
    expect((await s.listSnapshots()).map((m) => [m.id, m.cluster])).toEqual([[id, 'before']]);
    expect(await s.clusters()).toEqual(['before']);
    expect((await s.getSnapshot(id))!.contentHash).toBe(syntheticSnapshot({ cluster: 'before', pods: 40, seed: 'before-0' }).contentHash);
    // the store takes writes again at once: the dead writer's lock went with it
    const next = await s.saveSnapshot(syntheticSnapshot({ cluster: 'after', pods: 30 }));
    expect((await s.getSnapshot(next.id))!.pods).toHaveLength(30);
  } finally {
    await s.close();
  }
  return id;
}

describe('SQLite store with several processes', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'netpol-concurrent-'));
    dirs.push(d);
    return join(d, 'history.sqlite');
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('keeps every snapshot of concurrent writers, none corrupt', async () => {
    await concurrentWriters(fresh());
  });

  it('leaves the previous state intact when a writer dies mid-write', async () => {
    const path = fresh();
    await crashMidWrite(path);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // no chunks of the half-written snapshot were left behind
    expect(db.prepare('SELECT COUNT(*) FROM snapshot_pod_chunks WHERE snapshot_id NOT IN (SELECT id FROM snapshots)').pluck().get()).toBe(0);
    db.close();
  });
});

const server = postgresServer();
describeWith('PostgreSQL', server, 'PostgreSQL store with several processes', () => {
  const dbs: { url: string; drop: () => Promise<void> }[] = [];
  const fresh = async () => {
    const db = await freshDatabase(server.url as string);
    dbs.push(db);
    return db.url;
  };
  afterAll(async () => {
    for (const d of dbs) await d.drop();
  });

  it('keeps every snapshot of concurrent writers, none corrupt', async () => {
    await concurrentWriters(await fresh());
  });

  it('leaves the previous state intact when a writer dies mid-write', async () => {
    const url = await fresh();
    await crashMidWrite(url);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const { rows } = await c.query('SELECT COUNT(*)::int AS n FROM snapshot_pod_chunks WHERE snapshot_id NOT IN (SELECT id FROM snapshots)');
    await c.end();
    expect(rows[0].n).toBe(0);
  });
});
