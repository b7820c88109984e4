/** Snapshots made up for store tests: any number of pods, deterministic per seed. */
import { makeSnapshot, type CollectionFailure, type Snapshot, type SnapshotPod } from '../../src/core/model/snapshot.js';

export interface SyntheticOptions {
  readonly cluster?: string;
  readonly takenAt?: string;
  readonly pods?: number;
  /** Varies names and labels, so different seeds give different content hashes. */
  readonly seed?: string;
  readonly failures?: readonly CollectionFailure[];
}

export function syntheticPod(i: number, seed = 's'): SnapshotPod {
  return {
    namespace: `ns-${i % 3}`,
    name: `pod-${seed}-${String(i).padStart(6, '0')}`,
    labels: { app: `app-${i % 17}`, tier: i % 2 ? 'web' : 'db', seed },
    workload: { kind: 'Deployment', name: `app-${i % 17}` },
    owner: { kind: 'ReplicaSet', name: `app-${i % 17}-5d8f` },
    nodeName: `node-${i % 4}`,
    ips: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`],
    hostNetwork: false,
    phase: 'Running',
    ports: [
      { name: 'http', port: 8080, protocol: 'TCP' },
      { port: 53, protocol: 'UDP' },
    ],
  };
}

export function syntheticSnapshot(opts: SyntheticOptions = {}): Snapshot {
  const seed = opts.seed ?? 's';
  const pods = Array.from({ length: opts.pods ?? 5 }, (_, i) => syntheticPod(i, seed));
  return makeSnapshot(
    {
      cluster: opts.cluster ?? 'alpha',
      takenAt: opts.takenAt ?? '2026-07-01T12:00:00.000Z',
      source: { type: 'synthetic', context: `ctx-${seed}` },
      collected: [{ resource: 'pods', served: true, count: pods.length }],
      failures: opts.failures ?? [],
    },
    {
      namespaces: [0, 1, 2].map((n) => ({ name: `ns-${n}`, labels: { 'kubernetes.io/metadata.name': `ns-${n}`, team: `t${n}` } })),
      pods,
      networkPolicies: [
        {
          namespace: 'ns-0',
          name: 'default-deny',
          labels: { seed },
          spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
          origin: 'synthetic',
        },
        {
          namespace: 'ns-1',
          name: 'allow-web',
          spec: { podSelector: { matchLabels: { tier: 'web' } }, ingress: [{ ports: [{ port: 8080, protocol: 'TCP' }] }] },
        },
      ],
      adminNetworkPolicies: [],
      baselineAdminNetworkPolicies: [],
      nodes: [{ name: 'node-0', labels: { zone: 'a' }, addresses: ['192.168.0.10'] }],
    },
  );
}
