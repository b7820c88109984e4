import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checksMarkdownTable } from '../../../src/cli/formats/checks-table.js';
import { CHECKS } from '../../../src/core/findings/check-registry.js';
import { runCliCaptured } from '../../support/cli-harness.js';

describe('netpol-audit audit', () => {
  it('prints a summary and findings for the bundled example', async () => {
    const r = await runCliCaptured(['audit', '--manifests', 'examples/shop']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Cluster manifests \(snapshot 2026-10-01T00:00:00\.000Z\): containment [\d.]+\/100, grade [A-F]/);
    expect(r.stdout).toMatch(/HIGH {5}default-deny-missing {15}namespace monitoring has default-deny: none/);
    expect(r.stdout).toMatch(/MEDIUM {3}default-deny-missing {15}namespace payments has default-deny: ingress only/);
  });

  it('writes the JSON contract', async () => {
    const r = await runCliCaptured(['audit', '--manifests', 'examples/shop', '-o', 'json']);
    const json = JSON.parse(r.stdout) as { findings: Record<string, unknown>[]; summary: Record<string, unknown> };
    const f = json.findings.find((x) => x['check'] === 'workload-internet-exposed' && x['workload'] === 'shop/web[Deployment]')!;
    expect(Object.keys(f).sort()).toEqual(['check', 'cluster', 'controls', 'fingerprint', 'message', 'namespace', 'severity', 'suppressed', 'workload']);
    expect(f).toMatchObject({ severity: 'high', cluster: 'manifests', namespace: 'shop', suppressed: false });
    expect(f['controls']).toContain('PCI-1.3.1');
    expect(json.summary).toMatchObject({ cluster: 'manifests', namespaces: 5, workloads: 9 });
  });

  it('gates CI with --fail-on: exit 1 at or above the level, 0 below', async () => {
    expect((await runCliCaptured(['audit', '--manifests', 'examples/shop', '--fail-on', 'high'])).code).toBe(1);
    expect((await runCliCaptured(['audit', '--manifests', 'examples/shop', '--fail-on', 'critical'])).code).toBe(0);
  });

  it('writes SARIF 2.1.0 with rules and file locations of the policies', async () => {
    const r = await runCliCaptured(['audit', '--manifests', 'examples/shop', '-o', 'sarif']);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].tool.driver.rules).toHaveLength(21);
    const res = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'ingress-from-any-address');
    expect(res.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'examples/shop/shop-policies.yaml' }, region: { startLine: 21 } });
    expect(res.level).toBe('warning');
  });

  it('writes CSV with one row per finding', async () => {
    const r = await runCliCaptured(['audit', '--manifests', 'examples/shop', '-o', 'csv']);
    const rows = r.stdout.trim().split('\n');
    expect(rows[0]).toBe('cluster,severity,check,namespace,workload,policy,message,suppressed,exception_owner,exception_expires,controls,fingerprint');
    expect(rows.length).toBeGreaterThan(20);
  });

  it('applies --require-label', async () => {
    const r = await runCliCaptured(['audit', '--manifests', 'examples/shop', '--require-label', 'team', '-o', 'json']);
    const ids = (JSON.parse(r.stdout).findings as { check: string; workload?: string }[]).filter((f) => f.check === 'pod-missing-required-labels').map((f) => f.workload);
    expect(ids).toContain('monitoring/prometheus[Deployment]');
    expect(ids).not.toContain('shop/web[Deployment]');
  });
});

describe('netpol-audit checks', () => {
  it('lists every check as JSON with metadata', async () => {
    const json = JSON.parse((await runCliCaptured(['checks', '-o', 'json'])).stdout) as { id: string; severity: string; controls: string[] }[];
    expect(json).toHaveLength(21);
    expect(json.find((c) => c.id === 'default-deny-missing')).toMatchObject({ severity: 'high', controls: expect.arrayContaining(['CIS Kubernetes Benchmark 5.3.2']) });
  });

  it('documents every check in docs/findings.md with its current rationale', () => {
    const doc = readFileSync('docs/findings.md', 'utf8');
    for (const c of CHECKS) {
      expect(doc, c.id).toContain(`### \`${c.id}\` (${c.defaultSeverity})`);
      expect(doc, c.id).toContain(c.rationale);
    }
  });

  it('keeps the README check table in sync with the registry', () => {
    const readme = readFileSync('README.md', 'utf8');
    const m = readme.match(/<!-- checks:start[^\n]*-->\n([\s\S]*?)<!-- checks:end -->/);
    expect(m, 'README.md has no checks section').not.toBeNull();
    expect(m![1]).toBe(checksMarkdownTable());
  });
});

describe('netpol-audit audit at the engine limits', () => {
  it('stops with exit 2 and the explanation when the pair-cell limit is passed; --max-pair-cells and engine.maxPairCells set it', async () => {
    const r = await runCliCaptured(['audit', '--manifests', 'examples/shop', '--max-pair-cells', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the analysis stopped while computing the ingress allow maps \(1 of \d+ classes done\)/);
    expect(r.stderr).toContain('more than the limit of 1;');
    expect(r.stderr).toContain('--max-pair-cells');
    expect((await runCliCaptured(['audit', '--manifests', 'examples/shop', '--max-pair-cells', '1000000'])).code).toBe(0);
    // the policy-level checks still ran: their findings are printed, the others are named as not run
    expect(r.stdout).toContain('NOT ANALYSED — policy-level checks only, no containment score');
    expect(r.stdout).toMatch(/^Not run \(they need the effective allow sets\): .*pod-not-isolated/m);
    expect(r.stderr).toMatch(/only the policy-level checks ran; not run: .*workload-cross-namespace-exposed/);
    // the audit from reach blocks was tried and refused by the same limit, and the output says so
    expect(r.stdout).toMatch(/The audit from reach blocks stopped too: \d+ workloads: .* more than the limit of 1;/);
    const bad = await runCliCaptured(['audit', '--manifests', 'examples/shop', '--max-pair-cells', '1.5']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected a whole number of cells >= 1, got "1.5"');
  });

  it('beyond the class cap, audits from reach blocks: the findings of a complete audit but redundancy, the scores, in every format, and never passes', async () => {
    const full = await runCliCaptured(['audit', '--manifests', 'examples/shop', '-o', 'json']);
    const complete = JSON.parse(full.stdout) as { findings: { check: string }[]; summary: Record<string, unknown> };
    const r = await runCliCaptured(['audit', '--manifests', 'examples/shop', '--max-classes', '1', '-o', 'json']);
    expect(r.code).toBe(2);
    const fromBlocks = JSON.parse(r.stdout) as typeof complete;
    expect(fromBlocks.summary).toMatchObject({ complete: false, fromBlocks: true, notRun: { checks: ['policy-redundant'], reason: expect.stringContaining('more than the cap of 1') } });
    for (const k of ['containment', 'podsIsolatedIngress', 'workloadsInternetIngress', 'namespaceDetails']) expect(fromBlocks.summary[k], k).toEqual(complete.summary[k]);
    const expected = complete.findings.filter((f) => f.check !== 'policy-redundant');
    expect(expected.some((f) => f.check === 'pod-not-isolated')).toBe(true);
    expect(fromBlocks.findings).toEqual(expected);
    const txt = await runCliCaptured(['audit', '--manifests', 'examples/shop', '--max-classes', '1']);
    expect(txt.stdout).toMatch(/^Cluster .*: containment [\d.]+\/100, grade [A-F]$/m);
    expect(txt.stdout).toMatch(/^Not run \(they need the complete analysis\): policy-redundant$/m);
    expect(txt.stderr).toContain('the audit ran from reach blocks; not run (they need the complete analysis): policy-redundant');
    // the hint says what raising the cap is still for
    expect(txt.stderr).toMatch(/only policy-redundant needs the complete analysis; for it, .*--max-classes/);
    const sarif = await runCliCaptured(['audit', '--manifests', 'examples/shop', '--max-classes', '1', '-o', 'sarif']);
    const run = (JSON.parse(sarif.stdout) as { runs: { invocations?: { executionSuccessful: boolean; toolExecutionNotifications: { message: { text: string } }[] }[]; results: unknown[] }[] }).runs[0]!;
    expect(run.invocations?.[0]?.executionSuccessful).toBe(false);
    expect(run.invocations?.[0]?.toolExecutionNotifications[0]?.message.text).toMatch(/analysed from reach blocks beyond the engine's limits \(not run: policy-redundant\)/);
    expect(run.results).toHaveLength(expected.length);
  });

  it('beyond a limit the blocks cannot take either, reports exactly the policy-level findings of a complete audit, in every format, and never passes', async () => {
    const full = await runCliCaptured(['audit', '--manifests', 'examples/shop', '-o', 'json']);
    expect(full.code).toBe(0);
    const complete = JSON.parse(full.stdout) as { findings: { check: string; fingerprint: string }[]; summary: { complete: boolean } };
    expect(complete.summary.complete).toBe(true);
    const r = await runCliCaptured(['audit', '--manifests', 'examples/shop', '--max-classes', '1', '--max-pair-cells', '1', '-o', 'json', '--fail-on', 'critical']);
    expect(r.code).toBe(2);
    const partial = JSON.parse(r.stdout) as { findings: { check: string; fingerprint: string }[]; summary: { complete: boolean; pods: number; notRun: { checks: string[]; reason: string } } };
    expect(partial.summary).toMatchObject({ complete: false, notRun: { reason: expect.stringContaining('more than the cap of 1') } });
    expect(partial.summary.notRun.checks).toEqual(CHECKS.filter((c) => c.needs !== 'policies').map((c) => c.id));
    // the same findings as the complete audit gives for the policy-level checks, fingerprints included
    const policyLevel = new Set(CHECKS.filter((c) => c.needs === 'policies').map((c) => c.id));
    const expected = complete.findings.filter((f) => policyLevel.has(f.check));
    expect(expected.length).toBeGreaterThan(0);
    expect(partial.findings).toEqual(expected);
    const sarif = await runCliCaptured(['audit', '--manifests', 'examples/shop', '--max-classes', '1', '--max-pair-cells', '1', '-o', 'sarif']);
    expect(sarif.code).toBe(2);
    const run = (JSON.parse(sarif.stdout) as { runs: { invocations?: { executionSuccessful: boolean; toolExecutionNotifications: { message: { text: string } }[] }[]; results: unknown[] }[] }).runs[0]!;
    expect(run.invocations?.[0]?.executionSuccessful).toBe(false);
    expect(run.invocations?.[0]?.toolExecutionNotifications[0]?.message.text).toMatch(/not analysed, policy-level checks only/);
    expect(run.results).toHaveLength(expected.length);
  });
});
