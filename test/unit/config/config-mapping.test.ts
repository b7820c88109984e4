import { describe, expect, it } from 'vitest';
import { auditSettingsFrom, clusterTargetsFrom, collectOptionsFrom, engineSettingsFromConfig } from '../../../src/config/config-mapping.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { DEFAULT_AUDIT_SETTINGS } from '../../../src/core/findings/audit-settings.js';
import { DEFAULT_ENGINE_SETTINGS } from '../../../src/core/engine/engine-settings.js';
import { DEFAULT_COLLECT_OPTIONS } from '../../../src/adapters/kube/cluster-target.js';
import { join } from 'node:path';
import { writeFiles } from './config-test-files.js';

const YAML = `
clusters:
  - name: prod
    kubeconfig: /k/config
  - name: ops
    inCluster: true
collection: { pageSize: 100, timeoutSeconds: 2.5, retries: 1, concurrency: 2 }
engine: { ipBlockPods: ignore, hostNetwork: node, ipFamilies: dual, maxClasses: 5000, maxPairCells: 300000000 }
audit:
  severities: { pod-unlabeled: high }
  disabledChecks: [policy-count-growth]
  requiredPodLabels: [team]
  policyGrowth: { percent: 50, minimumIncrease: 10 }
  expiringSoonDays: 14
  exceptions:
    - { check: pod-host-network, namespace: kube-system, owner: platform, reason: cni, expires: 2026-12-31 }
`;

describe('mapping the config onto the settings of each part', () => {
  it('the defaults map onto the defaults of the core and the collector', async () => {
    const config = await loadConfig({ env: {}, cwd: writeFiles({}) });
    expect(auditSettingsFrom(config)).toEqual(DEFAULT_AUDIT_SETTINGS);
    expect(engineSettingsFromConfig(config)).toEqual(DEFAULT_ENGINE_SETTINGS);
    const now = () => new Date(0);
    expect(collectOptionsFrom(config, now)).toEqual({ ...DEFAULT_COLLECT_OPTIONS, now });
    expect(clusterTargetsFrom(config)).toEqual([]);
  });

  it('configured values reach audit, engine and collection settings', async () => {
    const dir = writeFiles({ 'netpol-audit.yaml': YAML });
    const config = await loadConfig({ path: join(dir, 'netpol-audit.yaml'), env: {} });
    expect(auditSettingsFrom(config)).toEqual({
      severityOverrides: { 'pod-unlabeled': 'high' },
      disabledChecks: ['policy-count-growth'],
      requiredPodLabels: ['team'],
      policyGrowth: { percent: 50, minimumIncrease: 10 },
      expiringSoonDays: 14,
      exceptions: [{ check: 'pod-host-network', namespace: 'kube-system', owner: 'platform', reason: 'cni', expires: '2026-12-31' }],
    });
    expect(engineSettingsFromConfig(config)).toEqual({ ipBlockPods: 'ignore', hostNetwork: 'node', ipFamilies: 'dual', maxClasses: 5000, maxPairCells: 300000000 });
    const now = () => new Date('2026-10-01T00:00:00Z');
    expect(collectOptionsFrom(config, now)).toEqual({ pageSize: 100, timeoutMs: 2500, retries: 1, concurrency: 2, now });
    expect(clusterTargetsFrom(config)).toEqual([
      { name: 'prod', context: 'prod', kubeconfig: '/k/config' },
      { name: 'ops', inCluster: true },
    ]);
  });
});
