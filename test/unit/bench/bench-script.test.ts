/** scripts/bench.mjs end to end at a tiny scale, against a fresh compile of src/ (not whatever dist/ holds). */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
let compiled = '';
let cache = '';

beforeAll(() => {
  const base = join(ROOT, 'node_modules', '.cache', 'netpol-audit-tests');
  mkdirSync(base, { recursive: true });
  compiled = mkdtempSync(join(base, 'bench-'));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', compiled, '--noCheck', '--sourceMap', 'false'], { cwd: ROOT, stdio: 'pipe' });
  writeFileSync(join(compiled, 'package.json'), '{"type":"module"}\n');
  cache = mkdtempSync(join(tmpdir(), 'netpol-bench-cache-'));
}, 180_000);

afterAll(() => {
  rmSync(compiled, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
});

const bench = (args: string[]) =>
  promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'bench.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, NETPOL_BENCH_DIST: compiled, NETPOL_BENCH_CACHE: cache },
    maxBuffer: 1 << 26,
  });

describe('npm run bench', () => {
  it('--json prints exactly an array of results with the contract keys', async () => {
    const { stdout } = await bench(['--workload', 'W1', '--scale', '0.002', '--runs', '2', '--json']);
    const rows = JSON.parse(stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(Object.keys(row)).toEqual(['workload', 'pods', 'policies', 'classes', 'loadMs', 'analyseMs', 'diffMs', 'auditMs', 'peakRssMb', 'extra']);
    expect(row['workload']).toBe('W1');
    expect(row['pods']).toBeGreaterThan(200);
    for (const k of ['policies', 'classes', 'loadMs', 'analyseMs', 'diffMs', 'auditMs', 'peakRssMb']) expect(row[k], k).toBeGreaterThan(0);
    const extra = row['extra'] as Record<string, any>;
    expect(extra['failures']).toEqual({});
    expect(extra['machineReferenceMs']).toBeGreaterThan(0); // the machine's speed at the time, to compare runs
    expect(extra['manifests']).toMatchObject({ sameContentAsSnapshotFile: true, problems: 0 });
    expect(extra['phases']['analyse']).toMatchObject({ runs: 2 });
    expect(extra['diff']['changes']).toBeGreaterThan(0);
    // the second invocation reuses the cached cluster
    const again = JSON.parse((await bench(['--workload', 'W1', '--scale', '0.002', '--runs', '1', '--json', '--phases', 'load'])).stdout);
    expect(again[0].extra.cache).toBe(extra['cache']);
    expect(again[0].analyseMs).toBeNull();
  }, 180_000);

  it('measures the audit from reach blocks when asked (--phases block-audit), in JSON and in the table', async () => {
    const { stdout } = await bench(['--workload', 'W3', '--scale', '0.002', '--runs', '1', '--json', '--phases', 'load,block-audit']);
    const ba = (JSON.parse(stdout) as { extra: { blockAudit: Record<string, any> } }[])[0]!.extra.blockAudit;
    expect(ba).toMatchObject({ notRun: ['policy-redundant'], checksRun: 20 });
    expect(ba['findings']).toBeGreaterThan(0);
    expect(ba['ms']).toMatchObject({ runs: 1 });
    const table = (await bench(['--workload', 'W3', '--scale', '0.002', '--runs', '1', '--phases', 'load,block-audit'])).stdout;
    expect(table).toMatch(/W3 audit from reach blocks \(20 checks; not run: policy-redundant\): \d+ ms from the snapshot/);
  }, 180_000);

  it('measures the drift beyond the limits when asked (--phases limit-diff), saying how far it compared', async () => {
    const { stdout } = await bench(['--workload', 'W3', '--scale', '0.002', '--runs', '1', '--json', '--phases', 'load,limit-diff']);
    const ld = (JSON.parse(stdout) as { extra: { limitDiff: Record<string, any> } }[])[0]!.extra.limitDiff;
    // a small W3 is within the limits: both sides are complete, and so is the drift
    expect(ld).toMatchObject({ complete: true, level: 'complete' });
    expect(ld['sideMs']).toHaveLength(2);
    expect(ld['connections']).toBeGreaterThan(0);
    expect(ld['policies']).toBeGreaterThan(0);
    const table = (await bench(['--workload', 'W3', '--scale', '0.002', '--runs', '1', '--phases', 'load,limit-diff'])).stdout;
    expect(table).toMatch(/W3 drift as beyond the engine limits \(complete\): \d+ ms between the two prepared sides/);
    // past the class cap the drift compares the connections from reach blocks, as `diff` does
    const capped = (JSON.parse((await bench(['--workload', 'W3', '--scale', '0.002', '--runs', '1', '--json', '--phases', 'load,limit-diff', '--max-classes', '10'])).stdout) as Record<string, any>[])[0]!;
    expect(capped['extra']['limitDiff']).toMatchObject({ complete: false, level: 'reach blocks, connections compared' });
    expect(capped['extra']['limitDiff']['connections']).toBe(ld['connections']);
  }, 180_000);

  it('beyond the class cap takes analyseMs and diffMs from reach blocks, says so, and measures the diff from blocks', async () => {
    const args = ['--workload', 'W3', '--scale', '0.002', '--runs', '1', '--max-classes', '10', '--phases', 'load,analyse,diff'];
    const row = (JSON.parse((await bench([...args, '--json'])).stdout) as Record<string, any>[])[0]!;
    expect(row['extra']['failures']['analyse']).toMatch(/^engine limit: .*more than the cap of 10/);
    expect(row['extra']['analyseFrom']).toMatch(/^reach blocks/);
    expect(row['extra']['diffFrom']).toMatch(/^reach blocks/);
    expect(row['analyseMs']).toBe(row['extra']['phases']['reach-blocks']['median']);
    expect(row['diffMs']).toBe(row['extra']['phases']['block-diff']['median']);
    const bd = row['extra']['blockDiff'];
    expect(bd['changes']).toBeGreaterThan(0);
    expect(bd['changedAsSource'] + bd['changedAsDestination']).toBeGreaterThan(0);
    expect(bd['changedAsSource']).toBeLessThan(bd['workloads']);
    expect(row['classes']).toBeGreaterThan(10);
    const table = (await bench(args)).stdout;
    expect(table).toMatch(/^W3 .* \d+ blocks .* \d+ blocks /m);
    expect(table).toMatch(/W3 diff from reach blocks: \d+ ms \(changed workloads \d+ ms: \d+ as sources, \d+ as destinations of \d+;/);
  }, 180_000);

  it('prints a table, and reports a phase that runs over the timeout instead of waiting', async () => {
    const { stdout } = await bench(['--workload', 'W2', '--scale', '0.002', '--runs', '1', '--phases', 'load,analyse', '--timeout', '0.001']);
    expect(stdout).toMatch(/^workload\s+pods\s+policies\s+classes/);
    expect(stdout).toMatch(/\* W2 load: timeout: .* \(killed\)/);
  }, 180_000);

  it('--verify compares the engine with the brute-force evaluator on all three workloads', async () => {
    const { stdout } = await bench(['--verify', '--scale', '0.002', '--seed', '5']);
    expect(stdout).toMatch(/^brute-force agreement: W1 ok \(\d+ pairs\), W2 ok \(\d+ pairs\), W3 ok \(\d+ pairs\)$/m);
  }, 180_000);
});
