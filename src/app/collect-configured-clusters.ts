/**
 * Collects the clusters a configuration lists: live ones through the API (with the configured paging,
 * timeouts, retries and concurrency), manifest folders through the loader. One result per cluster, in
 * configuration order; a failure of one never stops the others.
 */
import { performance } from 'node:perf_hooks';
import type { CollectOptions, CollectResult } from '../adapters/kube/cluster-target.js';
import { clusterTargetsFrom } from '../config/config-mapping.js';
import type { NetpolAuditConfig } from '../config/netpol-audit-config.js';
import { formatProblem } from '../core/model/object-problem.js';
import { UserError } from '../core/model/user-error.js';
import { snapshotFromManifests } from './manifest-snapshot.js';

export async function collectConfiguredClusters(config: NetpolAuditConfig, options: CollectOptions): Promise<CollectResult[]> {
  const live = clusterTargetsFrom(config);
  const byName = new Map<string, CollectResult>();
  if (live.length) {
    // the Kubernetes client is loaded only when a live cluster is collected
    const { collectClusters } = await import('../adapters/kube/cluster-collector.js');
    for (const r of await collectClusters(live, options)) byName.set(r.cluster, r);
  }
  for (const c of config.clusters) {
    if (c.manifests === undefined) continue;
    const started = performance.now();
    options.onProgress?.(c.name, `reading manifests in ${c.manifests}`);
    try {
      const { snapshot, problems } = await snapshotFromManifests(c.manifests, { cluster: c.name, takenAt: options.now().toISOString() });
      const errors = problems.filter((p) => p.severity === 'error');
      if (errors.length) throw new UserError(`${errors.length} invalid object field${errors.length === 1 ? '' : 's'}: ${errors.slice(0, 3).map(formatProblem).join('; ')}`);
      byName.set(c.name, { cluster: c.name, ok: true, snapshot, durationMs: performance.now() - started });
    } catch (e) {
      byName.set(c.name, { cluster: c.name, ok: false, reason: (e as Error).message, durationMs: performance.now() - started });
    }
  }
  return config.clusters.map((c) => byName.get(c.name)!).filter(Boolean);
}
