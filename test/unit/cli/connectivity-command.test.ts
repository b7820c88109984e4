import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../support/cli-harness.js';

describe('netpol-audit connectivity', () => {
  it('prints sorted txt lines for the bundled example', async () => {
    const r = await runCliCaptured(['connectivity', '--manifests', 'examples/shop']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect([...lines].sort()).toEqual(lines);
    expect(lines).toContain('shop/web[Deployment] => shop/cart[Deployment] : TCP 7070');
    expect(lines).toContain('shop/cart[Deployment] => payments/api[Deployment] : TCP 8443');
    expect(lines).toContain('0.0.0.0-9.255.255.255 => shop/web[Deployment] : TCP 8080');
    // the cloud metadata address is denied by the AdminNetworkPolicy for everyone
    expect(lines.some((l) => /=> 169\.254\.169\.254/.test(l) || /=> 0\.0\.0\.0\/0/.test(l))).toBe(false);
  });

  it('writes the JSON contract', async () => {
    const r = await runCliCaptured(['connectivity', '--manifests', 'examples/shop', '-o', 'json']);
    const json = JSON.parse(r.stdout) as { connections: { src: string; dst: string; conns: unknown }[] };
    expect(json.connections).toContainEqual({ src: 'shop/cart[Deployment]', dst: 'kube-system/coredns[Deployment]', conns: { TCP: [53], UDP: [53] } });
    expect(json.connections).toContainEqual({ src: '0.0.0.0/0', dst: 'ops/backup[CronJob]', conns: 'All Connections' });
  });

  it('writes CSV with one row per protocol and filterable columns', async () => {
    const r = await runCliCaptured(['connectivity', '--manifests', 'examples/shop', '-o', 'csv']);
    const rows = r.stdout.trim().split('\n');
    expect(rows[0]).toBe('source,source_namespace,source_workload,source_kind,destination,destination_namespace,destination_workload,destination_kind,external,protocol,ports,all_connections');
    expect(rows).toContain('shop/cart[Deployment],shop,cart,Deployment,kube-system/coredns[Deployment],kube-system,coredns,Deployment,,UDP,53,no');
  });

  it('writes a markdown table', async () => {
    const r = await runCliCaptured(['connectivity', '--manifests', 'examples/shop', '-o', 'md']);
    expect(r.stdout.split('\n')[0]).toBe('| Source | Destination | Connections |');
  });

  it('beyond the class cap lists the same connections from reach blocks, and past the listing limit exits 2 with the explanation', async () => {
    const full = await runCliCaptured(['connectivity', '--manifests', 'examples/shop', '-o', 'json']);
    const r = await runCliCaptured(['connectivity', '--manifests', 'examples/shop', '-o', 'json', '--max-classes', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(full.stdout);
    expect(JSON.parse(r.stdout).connections.length).toBeGreaterThan(20);
    const refused = await runCliCaptured(['connectivity', '--manifests', 'examples/shop', '--max-classes', '1', '--max-pair-cells', '1000']);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/listing the connections from reach blocks passed 1 connected workload pairs/);
    expect(refused.stderr).toContain('netpol-audit audit');
  });

  it('exits 2 with a message for missing input, bad option values and invalid objects', async () => {
    expect((await runCliCaptured(['connectivity'])).stderr).toMatch(/no input given/);
    expect((await runCliCaptured(['connectivity'])).code).toBe(2);
    const bad = await runCliCaptured(['connectivity', '--manifests', 'examples/shop', '--ipblock-pods', 'maybe']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Allowed choices are match, ignore/);
  });
});
