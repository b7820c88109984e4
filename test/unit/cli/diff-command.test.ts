import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../support/cli-harness.js';

const args = ['diff', '--manifests-before', 'examples/shop', '--manifests-after', 'examples/shop-v2'];

describe('netpol-audit diff', () => {
  it('keeps the diff JSON contract in `changes` and adds the drift sections', async () => {
    const r = await runCliCaptured([...args, '-o', 'json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.changes).toContainEqual({ type: 'added', src: 'ops/backup[CronJob]', dst: 'shop/cart[Deployment]', before: null, after: { TCP: [9090] } });
    expect(json.changes).toContainEqual({ type: 'changed', src: 'payments/api[Deployment]', dst: 'kube-system/coredns[Deployment]', before: 'All Connections', after: { TCP: [53], UDP: [53] } });
    expect(json.exposure.newlyCrossNamespaceExposed).toEqual([{ workload: 'shop/cart[Deployment]', namespaces: ['kube-system', 'ops'] }]);
    expect(json.policies.map((p: { change: string; name: string }) => `${p.change} ${p.name}`)).toEqual(['added default-deny-ingress', 'added prometheus-ui', 'added default-deny-egress', 'modified cart']);
    expect(json.findings.new.map((f: { check: string }) => f.check)).toEqual(['peer-any-namespace']);
  });

  it('prints readable sections in txt', async () => {
    const r = await runCliCaptured(args);
    expect(r.stdout).toMatch(/^Connectivity \(14 changes\):\n/);
    expect(r.stdout).toContain('+ ops/backup[CronJob] => shop/cart[Deployment] : TCP 9090');
    expect(r.stdout).toContain('~ NetworkPolicy shop/cart\n    spec.ingress[1].from[0].namespaceSelector.matchLabels: {"kubernetes.io/metadata.name":"monitoring"} -> (absent)');
  });

  it('gives only the connectivity contract with --connectivity-only', async () => {
    const json = JSON.parse((await runCliCaptured([...args, '-o', 'json', '--connectivity-only'])).stdout);
    expect(Object.keys(json)).toEqual(['changes']);
    expect(json.changes).toHaveLength(14);
  });

  it('beyond the engine limits compares connections, exposure, policies and findings from reach blocks, and exits 2 (redundancy did not run)', async () => {
    const full = JSON.parse((await runCliCaptured([...args, '-o', 'json'])).stdout);
    const r = await runCliCaptured([...args, '-o', 'json', '--max-classes', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('beyond the engine limits: compared from reach blocks');
    const json = JSON.parse(r.stdout);
    expect(json.notAnalysed).toEqual([expect.stringMatching(/^before \(.*analysed from reach blocks: .*more than the cap of 1/), expect.stringMatching(/^after \(/)]);
    // connections and exposure as in the complete drift; findings of every check over allow sets too
    expect(json.changes).toEqual(full.changes);
    expect(json.changes.length).toBe(14);
    expect(json.exposure).toEqual(full.exposure);
    expect(json.policies).toEqual(full.policies);
    expect(json.coverage).toEqual(full.coverage);
    const noRedundancy = (fs: { check: string }[]) => fs.filter((f) => f.check !== 'policy-redundant');
    expect(json.findings.new).toEqual(noRedundancy(full.findings.new));
    expect(json.findings.resolved).toEqual(noRedundancy(full.findings.resolved));
    const txt = await runCliCaptured([...args, '--max-classes', '1']);
    expect(txt.stdout).toMatch(/^Beyond the engine limits, analysed from reach blocks/);
    expect(txt.stdout).toContain('+ ops/backup[CronJob] => shop/cart[Deployment] : TCP 9090');
    expect(txt.stdout).toContain('shop/cart[Deployment]: now reachable from namespaces kube-system, ops');
    const md = await runCliCaptured([...args, '-o', 'md', '--max-classes', '1']);
    expect(md.stdout).toMatch(/^## Beyond the engine limits\n/);
    expect(md.stdout).toContain('## Connectivity\n');
    expect(md.stdout).toContain('| shop/cart[Deployment] | reachable from kube-system, ops |');
  });

  it('when neither the listing nor the changes from reach blocks fit their limit, compares exposure, policies and findings, not connections, and exits 2', async () => {
    const full = JSON.parse((await runCliCaptured([...args, '-o', 'json'])).stdout);
    // 1,000 cells: the block audit of the example's workloads fits, its connection listing (1,600 cells a pair) does not
    const capped = ['--max-classes', '1', '--max-pair-cells', '1000'];
    const r = await runCliCaptured([...args, '-o', 'json', ...capped]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('connections not compared, beyond the engine limits');
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({
      changes: null,
      notAnalysed: [
        expect.stringMatching(/^before \(.*analysed from reach blocks, connections not listed \(listing the connections/),
        expect.stringMatching(/^after \(/),
        expect.stringMatching(/^connections: comparing the connections from reach blocks passed \d+ changed workload pairs? \(1,600 cells each\), more than the limit of 1,000 cells/),
      ],
    });
    expect(json.exposure).toEqual(full.exposure);
    expect(json.policies).toEqual(full.policies);
    const txt = await runCliCaptured([...args, ...capped]);
    expect(txt.stdout).toMatch(/^Connectivity: NOT COMPARED/);
    expect(txt.stdout).toContain('shop/cart[Deployment]: now reachable from namespaces kube-system, ops');
    const md = await runCliCaptured([...args, '-o', 'md', ...capped]);
    expect(md.stdout).toMatch(/^## Connectivity: not compared\n/);
    expect(md.stdout).toContain('| shop/cart[Deployment] | reachable from kube-system, ops |');
  });

  it('when the listing from reach blocks does not fit but the changes do, compares the connections from reach blocks (the same changes), and exits 2', async () => {
    const full = JSON.parse((await runCliCaptured([...args, '-o', 'json'])).stdout);
    // 30,000 cells: 23 connected workload pairs do not fit (1,600 cells each), the 14 changes do
    const capped = ['--max-classes', '1', '--max-pair-cells', '30000'];
    const r = await runCliCaptured([...args, '-o', 'json', ...capped]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('beyond the engine limits: compared from reach blocks (connections,');
    const json = JSON.parse(r.stdout);
    expect(json.notAnalysed).toEqual([expect.stringMatching(/^before \(.*connections not listed \(listing the connections from reach blocks would hold 23/), expect.stringMatching(/^after \(/)]);
    expect(json.changes).toEqual(full.changes);
    expect(json.exposure).toEqual(full.exposure);
    const txt = await runCliCaptured([...args, ...capped]);
    expect(txt.stdout).toContain('+ ops/backup[CronJob] => shop/cart[Deployment] : TCP 9090');
  });

  it('with --connectivity-only beyond the engine limits gives the same changes from reach blocks, and past their limit exits 2 with the reason', async () => {
    const full = JSON.parse((await runCliCaptured([...args, '-o', 'json', '--connectivity-only'])).stdout);
    const r = await runCliCaptured([...args, '-o', 'json', '--connectivity-only', '--max-classes', '1']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(full);
    const capped = await runCliCaptured([...args, '--connectivity-only', '--max-classes', '1', '--max-pair-cells', '10000']);
    expect(capped.code).toBe(2);
    expect(capped.stderr).toContain('comparing the connections from reach blocks passed 7 changed workload pairs');
  });

  it('past the reach blocks limit too prints the policy drift, says connectivity and exposure were not analysed, and exits 2', async () => {
    const full = JSON.parse((await runCliCaptured([...args, '-o', 'json'])).stdout);
    const capped = ['--max-classes', '1', '--max-pair-cells', '100'];
    const r = await runCliCaptured([...args, '-o', 'json', ...capped]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('connectivity and exposure not analysed, beyond the engine limits');
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ changes: null, exposure: null, notAnalysed: [expect.stringMatching(/^before \(.*more than the cap of 1/), expect.stringMatching(/^after \(/)] });
    expect(json.policies).toEqual(full.policies);
    expect(json.coverage).toEqual(full.coverage);
    expect(json.findings.new.map((f: { check: string }) => f.check)).toEqual(['peer-any-namespace']);
    const txt = await runCliCaptured([...args, ...capped]);
    expect(txt.stdout).toMatch(/^Connectivity and exposure: NOT ANALYSED/);
    expect(txt.stdout).toContain('~ NetworkPolicy shop/cart');
  });
});
