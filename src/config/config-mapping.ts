/** Pure mappings from the normalised config to the settings each part of the product takes. */
import type { ClusterTarget, CollectOptions } from '../adapters/kube/cluster-target.js';
import type { EngineSettings } from '../core/engine/engine-settings.js';
import type { AuditSettings } from '../core/findings/audit-settings.js';
import type { NetpolAuditConfig } from './netpol-audit-config.js';

export function auditSettingsFrom(config: NetpolAuditConfig): AuditSettings {
  const a = config.audit;
  return {
    severityOverrides: a.severities,
    disabledChecks: a.disabledChecks,
    requiredPodLabels: a.requiredPodLabels,
    exceptions: a.exceptions,
    policyGrowth: a.policyGrowth,
    expiringSoonDays: a.expiringSoonDays,
  };
}

export function engineSettingsFromConfig(config: NetpolAuditConfig): EngineSettings {
  const e = config.engine;
  return {
    ipBlockPods: e.ipBlockPods,
    hostNetwork: e.hostNetwork,
    ipFamilies: e.ipFamilies,
    ...(e.maxClasses !== undefined ? { maxClasses: e.maxClasses } : {}),
    ...(e.maxPairCells !== undefined ? { maxPairCells: e.maxPairCells } : {}),
  };
}

/** The collector's bounds; the clock is the caller's (core and config read no clock). */
export function collectOptionsFrom(config: NetpolAuditConfig, now: () => Date): CollectOptions {
  const c = config.collection;
  return { pageSize: c.pageSize, timeoutMs: Math.round(c.timeoutSeconds * 1000), retries: c.retries, concurrency: c.concurrency, now };
}

/** The configured clusters as collection targets (empty: the command line chooses, e.g. the current context). */
/** Live clusters to collect (clusters read from manifest folders are not API targets). */
export function clusterTargetsFrom(config: NetpolAuditConfig): ClusterTarget[] {
  return config.clusters.filter((c) => c.manifests === undefined).map((c) => ({
    name: c.name,
    ...(c.inCluster ? { inCluster: true } : { context: c.context ?? c.name }),
    ...(c.kubeconfig !== undefined ? { kubeconfig: c.kubeconfig } : {}),
  }));
}
