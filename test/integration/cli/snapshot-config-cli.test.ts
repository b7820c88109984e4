/** `snapshot` with no cluster on the command line collects the clusters the configuration lists. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../support/cli-harness.js';

describe('snapshot of configured clusters', () => {
  it('stores every configured manifest cluster and takes the store from the config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'npa-snapcfg-'));
    const config = join(dir, 'netpol-audit.yaml');
    writeFileSync(
      config,
      [
        'clusters:',
        `  - { name: shop, manifests: ${resolve('examples/shop')} }`,
        `  - { name: next, manifests: ${resolve('examples/shop-v2')} }`,
        '  - { name: broken, manifests: ./does-not-exist }',
        'store: history.sqlite',
        '',
      ].join('\n'),
    );
    const env = { ...process.env, NETPOL_AUDIT_STORE: '' };
    const r = await runCliCaptured(['snapshot', '--config', config], { env });
    expect(r.stdout).toMatch(/^shop: stored snapshot 1 \(9 pods, 10 policies\)/m);
    expect(r.stdout).toMatch(/^next: stored snapshot 2 /m);
    expect(r.stdout).toMatch(/^broken: FAILED: manifest folder .*does-not-exist does not exist/m);
    expect(r.code).toBe(3);
    const list = await runCliCaptured(['history', 'list', '--config', config, '-o', 'json'], { env });
    expect((JSON.parse(list.stdout) as { cluster: string }[]).map((m) => m.cluster)).toEqual(['shop', 'next']);
  });
});
