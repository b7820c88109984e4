/**
 * Graceful degradation in a fleet report: a cluster whose stored snapshot is beyond the engine's class cap is
 * analysed from reach blocks (score, findings, exposure, its connectivity export listed from the blocks; the
 * checks that need the complete analysis named as not run); past the block audit's own limit it is shown as "stored, not analysed"
 * with both explanations and the findings of its policy-level checks. The other clusters are reported in
 * full. `netpol-audit report` as a process over a real SQLite history.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../../support/cli-process.js';

const PODS = 24;

/** One namespace whose pods each carry an `instance` value a policy names: every pod is its own class. */
function pinnedManifests(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const objects = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'pinned' } },
    ...Array.from({ length: PODS }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `worker-${i}`, namespace: 'pinned', labels: { app: 'worker', instance: `worker-${i}` } },
      spec: { containers: [{ name: 'c', image: 'worker:1' }] },
      status: { phase: 'Running', podIP: `10.1.0.${i + 10}` },
    })),
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'pin-every-instance', namespace: 'pinned' },
      spec: {
        podSelector: { matchExpressions: [{ key: 'instance', operator: 'In', values: Array.from({ length: PODS }, (_, i) => `worker-${i}`) }] },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'worker' } } }] }],
      },
    },
  ];
  writeFileSync(join(dir, 'objects.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
}

describe('report with a cluster beyond the class cap', () => {
  let dir: string;
  let store: string;
  let config: string;
  const env = { ...process.env, NETPOL_AUDIT_STORE: '', NETPOL_AUDIT_NOW: '2026-10-05T08:00:00Z' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'npa-class-cap-'));
    store = join(dir, 'history.sqlite');
    pinnedManifests(join(dir, 'pinned'));
    for (const [cluster, folder] of [
      ['prod', resolve('examples/shop')],
      ['pinned', join(dir, 'pinned')],
    ]) {
      const r = await runCliProcess(['snapshot', '--manifests', folder!, '--cluster', cluster!, '--taken-at', '2026-09-20T00:00:00Z', '--store', store]);
      expect(r.code, r.stderr).toBe(0);
    }
    config = join(dir, 'netpol-audit.yaml');
  }, 120_000);

  it('analyses the cluster beyond the class cap from reach blocks, says so, and lists its connections from them', async () => {
    writeFileSync(config, [`store: ${store}`, `report: { outputDir: ${join(dir, 'reports-blocks')} }`, 'engine: { maxClasses: 10 }', ''].join('\n'));
    const r = await runCliProcess(['report', '--config', config, '--cluster', 'prod', 'pinned', '--no-pdf', '-q'], env);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^Report 2026-Q3 for prod, pinned: containment \d+\.\d \([A-F]\); from reach blocks \(beyond the engine's limits\): pinned$/m);

    const out = join(dir, 'reports-blocks', '2026-Q3');
    const html = readFileSync(join(out, 'report.html'), 'utf8').replace(/<wbr>/g, '').replace(/&#x27;/g, "'");
    expect(html).not.toContain('stored but was not analysed');
    expect(html).toContain('Analysed from reach blocks.');
    expect(html).toContain(`${PODS} pods fall into ${PODS} pod classes, more than the cap of 10`);
    expect(html).toMatch(/these checks did not run \(they need the complete analysis\): [^.]*\(<span class="mono">policy-redundant<\/span>\)/);
    expect(html).toContain('1 of 2 clusters is beyond the engine\'s limits and was analysed from reach blocks');
    // pinned has a grade of its own, and its namespace a row with a score
    const pinnedCard = html.slice(html.indexOf('id="cluster-pinned"'));
    expect(pinnedCard.slice(0, 600)).toMatch(/<span class="grade grade-[A-F]">[A-F]<\/span> <strong>\d+(\.\d)?<\/strong>/);
    expect(pinnedCard).toMatch(/<td class="mono ns">pinned<\/td>/);
    // the redundancy check did not run on pinned: its control is not reported as passed
    expect(html).toMatch(/<span class="badge incomplete">not run<\/span> [^<]*<code>policy-redundant<\/code> <span class="muted">\(not run for pinned\)<\/span>/);
    expect(existsSync(join(out, 'connectivity-prod.csv'))).toBe(true);
    // its 24 workloads reach each other: 552 pairs, listed from the blocks (compared with the complete analysis below)
    expect(readFileSync(join(out, 'connectivity-pinned.csv'), 'utf8').trim().split('\n').length).toBeGreaterThan(552);
    expect(html).toContain('Its connections between workloads were listed from the reach blocks too');
    // the checks over allow sets ran on pinned: its pods are not isolated for egress
    const findings = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as { findings: { cluster: string; check: string }[] };
    const pinned = findings.findings.filter((f) => f.cluster === 'pinned').map((f) => f.check);
    expect(pinned).toContain('pod-not-isolated');
    expect(pinned).toContain('default-deny-missing');
    // the complete analysis, at a raised cap, lists exactly what the reach blocks listed
    writeFileSync(config, [`store: ${store}`, `report: { outputDir: ${join(dir, 'reports-complete')} }`, 'engine: { maxClasses: 100 }', ''].join('\n'));
    const complete = await runCliProcess(['report', '--config', config, '--cluster', 'prod', 'pinned', '--no-pdf', '-q'], env);
    expect(complete.code, complete.stderr).toBe(0);
    expect(readFileSync(join(dir, 'reports-complete', '2026-Q3', 'connectivity-pinned.csv'), 'utf8')).toBe(readFileSync(join(out, 'connectivity-pinned.csv'), 'utf8'));
    // 2,000 cells: enough for pinned's audit from reach blocks (1,536), not for listing its 552 pairs (1,600 each)
    writeFileSync(config, [`store: ${store}`, `report: { outputDir: ${join(dir, 'reports-unlisted')} }`, 'engine: { maxClasses: 10, maxPairCells: 2000 }', ''].join('\n'));
    const unlisted = await runCliProcess(['report', '--config', config, '--cluster', 'prod', 'pinned', '--no-pdf', '-q'], env);
    expect(unlisted.code, unlisted.stderr).toBe(0);
    expect(unlisted.stdout).toMatch(/; from reach blocks \(beyond the engine's limits\): pinned \(connections not listed\)$/m);
    expect(existsSync(join(dir, 'reports-unlisted', '2026-Q3', 'connectivity-pinned.csv'))).toBe(false);
    expect(readFileSync(join(dir, 'reports-unlisted', '2026-Q3', 'report.html'), 'utf8')).toContain('Its connections between workloads are too many to list');
  }, 120_000);

  it('past the reach blocks limit too, reports the other clusters and names the stored snapshot it could not analyse, with the reason', async () => {
    // 1,000 cells: enough for prod's complete analysis, not for pinned's 24 workloads from reach blocks (1,536)
    writeFileSync(config, [`store: ${store}`, `report: { outputDir: ${join(dir, 'reports')} }`, 'engine: { maxClasses: 10, maxPairCells: 1000 }', ''].join('\n'));
    const r = await runCliProcess(['report', '--config', config, '--cluster', 'prod', 'pinned', '--no-pdf', '-q'], env);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^Report 2026-Q3 for prod, pinned: containment \d+\.\d \([A-F]\); no data for pinned \(snapshot not analysed\)$/m);

    const out = join(dir, 'reports', '2026-Q3');
    const html = readFileSync(join(out, 'report.html'), 'utf8').replace(/<wbr>/g, '');
    expect(html).toContain('The snapshot for 2026-Q3 is stored but was not analysed.');
    expect(html).toContain(`${PODS} pods fall into ${PODS} pod classes, more than the cap of 10`);
    expect(html).toContain('instance (24 values)');
    expect(html).toContain('--max-classes');
    expect(html).toContain('The audit from reach blocks stopped too: 24 workloads');
    expect(html).toContain('snapshot stored, not analysed'); // page one, per cluster
    // the policy trend counts pinned's policy too (no allow set needed): prod's 10 and pinned's 1
    const policiesRow = html.match(/<tr><td>Policies<\/td>(.*?)<\/tr>/)?.[1] ?? '';
    expect([...policiesRow.matchAll(/<td class="num">(.*?)<\/td>/g)].map((m) => m[1]).at(-1)).toBe('11');
    // prod is analysed as usual; nothing is invented for pinned
    expect(existsSync(join(out, 'connectivity-prod.csv'))).toBe(true);
    expect(existsSync(join(out, 'connectivity-pinned.csv'))).toBe(false);
    // pinned still gets the findings of the checks that need no allow set, and says which checks did not run
    expect(html).toContain('Findings of the policy-level checks');
    expect(html).toContain('namespace pinned has default-deny: none');
    expect(html).toMatch(/these checks did not run: [^.]*\(<span class="mono">pod-not-isolated<\/span>\)/);
    const findings = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as { findings: { cluster: string; check: string; controls: string[] }[] };
    expect(findings.findings.some((f) => f.cluster === 'prod')).toBe(true);
    const pinned = findings.findings.filter((f) => f.cluster === 'pinned');
    expect(pinned.find((f) => f.check === 'default-deny-missing')?.controls).toContain('CIS Kubernetes Benchmark 5.3.2');
    expect(pinned.map((f) => f.check)).not.toContain('pod-not-isolated');

    // the stored snapshot is untouched, and a higher cap analyses it
    const list = JSON.parse((await runCliProcess(['history', 'list', '--store', store, '--cluster', 'pinned', '-o', 'json'], env)).stdout) as unknown[];
    expect(list).toHaveLength(1);
    writeFileSync(config, [`store: ${store}`, `report: { outputDir: ${join(dir, 'reports-raised')} }`, 'engine: { maxClasses: 100 }', ''].join('\n'));
    const raised = await runCliProcess(['report', '--config', config, '--cluster', 'prod', 'pinned', '--no-pdf', '-q'], env);
    expect(raised.code, raised.stderr).toBe(0);
    expect(raised.stdout).not.toContain('no data');
    expect(existsSync(join(dir, 'reports-raised', '2026-Q3', 'connectivity-pinned.csv'))).toBe(true);
  }, 120_000);
});
