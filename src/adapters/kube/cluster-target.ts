/** Which clusters to collect, and how collection is bounded. Implemented by cluster-collector.ts. */
import type { Snapshot } from '../../core/model/snapshot.js';

export interface ClusterTarget {
  /** The cluster name recorded in snapshots (defaults to the context name). */
  readonly name: string;
  /** kubeconfig context; absent with inCluster. */
  readonly context?: string;
  /** Use the pod's service account (KUBERNETES_SERVICE_HOST and the mounted token). */
  readonly inCluster?: boolean;
  /** kubeconfig file(s); default: $KUBECONFIG or ~/.kube/config. */
  readonly kubeconfig?: string;
}

export interface CollectOptions {
  /** Items per list page (limit/continue). */
  readonly pageSize: number;
  /** Per API call. */
  readonly timeoutMs: number;
  /** Retries per call after the first attempt, with exponential backoff and jitter. */
  readonly retries: number;
  /** Clusters collected at once. */
  readonly concurrency: number;
  readonly now: () => Date;
  /** One line per cluster and phase, for progress output. */
  readonly onProgress?: (cluster: string, phase: string) => void;
}

export type CollectResult =
  | { readonly cluster: string; readonly ok: true; readonly snapshot: Snapshot; readonly durationMs: number }
  | { readonly cluster: string; readonly ok: false; readonly reason: string; readonly durationMs: number };

export const DEFAULT_COLLECT_OPTIONS: Omit<CollectOptions, 'now'> = {
  pageSize: 500,
  timeoutMs: 30_000,
  retries: 3,
  concurrency: 4,
};
