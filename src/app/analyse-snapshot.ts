/** Use case: a snapshot is validated into a cluster model and analysed, its connectivity listed, two compared. */
import { diffAnalyses } from '../core/diff/analysis-diff.js';
import { blockConnectivityDiff } from '../core/diff/block-connectivity-diff.js';
import type { ConnectivityChange } from '../core/diff/connectivity-diff.js';
import { analysePolicies, completeAnalysis, type ClusterAnalysis, type PolicyAnalysis } from '../core/engine/analyse-cluster.js';
import { blockWorkloadConnectivity, checkListingFits } from '../core/engine/block-connectivity.js';
import { EngineLimitError } from '../core/engine/engine-limit-error.js';
import type { EngineSettings } from '../core/engine/engine-settings.js';
import { workloadConnectivity, type WorkloadConnectivity } from '../core/engine/workload-connectivity.js';
import { connectedWorkloadPairs, type AllowSetFacts } from '../core/findings/audit-facts.js';
import { buildClusterModel } from '../core/model/cluster-model.js';
import type { ObjectProblem } from '../core/model/object-problem.js';
import type { Snapshot } from '../core/model/snapshot.js';

/** The model and policy analysis of a snapshot (no limits apply), with the problems both found. */
export function analyseSnapshotPolicies(snapshot: Snapshot, settings: EngineSettings): { base: PolicyAnalysis; problems: ObjectProblem[] } {
  const { model, problems } = buildClusterModel(snapshot);
  const base = analysePolicies(model, settings);
  return { base, problems: [...problems, ...base.warnings] };
}

/** The complete analysis of a snapshot; throws an EngineLimitError beyond the engine's limits. */
export function analyseSnapshot(snapshot: Snapshot, settings: EngineSettings): { analysis: ClusterAnalysis; problems: ObjectProblem[] } {
  const { base, problems } = analyseSnapshotPolicies(snapshot, settings);
  return { analysis: completeAnalysis(base), problems };
}

/**
 * A snapshot's workload connectivity: from the complete analysis, or — beyond the engine's limits — from
 * reach blocks (the same listing). Throws an EngineLimitError when the listing from blocks passes its own
 * limit too (ConnectionListLimitError).
 */
export function snapshotConnectivity(
  snapshot: Snapshot,
  settings: EngineSettings,
  onProgress?: (message: string) => void,
): { connectivity: WorkloadConnectivity; problems: ObjectProblem[] } {
  const { base, problems } = analyseSnapshotPolicies(snapshot, settings);
  try {
    return { connectivity: workloadConnectivity(completeAnalysis(base)), problems };
  } catch (e) {
    if (!(e instanceof EngineLimitError)) throw e;
    onProgress?.(`${snapshot.cluster}: beyond the engine's limits (${e.summary}); listing from reach blocks`);
    return { connectivity: blockWorkloadConnectivity(base), problems };
  }
}

/**
 * The connectivity listing from reach blocks of an audit's analysis, or the limit that stopped it: a listing
 * that cannot fit is refused from the pair count of the audit's workload facts, before the blocks are built again.
 */
export function listFromBlocks(facts: AllowSetFacts): { connectivity?: WorkloadConnectivity; stoppedBy?: EngineLimitError } {
  const base = facts.analysis;
  try {
    checkListingFits(connectedWorkloadPairs(facts), base);
    return { connectivity: blockWorkloadConnectivity(base) };
  } catch (e) {
    if (!(e instanceof EngineLimitError)) throw e;
    return { stoppedBy: e };
  } finally {
    base.compiler.forgetPeers();
  }
}

/**
 * The connectivity changes between two policy analyses of one cluster: from their complete analyses, or —
 * when either is beyond the engine's limits — from reach blocks (blockConnectivityDiff: the same changes,
 * comparing only the workloads that can have changed). Throws an EngineLimitError when the changes from blocks
 * pass their own limit (ConnectionListLimitError).
 */
export function connectivityChanges(before: PolicyAnalysis, after: PolicyAnalysis, onProgress?: (message: string) => void): ConnectivityChange[] {
  let stoppedBy: EngineLimitError;
  try {
    const complete = completeAnalysis(before);
    return diffAnalyses(complete, completeAnalysis(after));
  } catch (e) {
    if (!(e instanceof EngineLimitError)) throw e;
    stoppedBy = e;
  }
  for (const base of [before, after]) base.evaluator.forgetEvaluations();
  onProgress?.(`beyond the engine's limits (${stoppedBy.summary}); comparing from reach blocks`);
  return blockConnectivityDiff(before, after, { onChunk: (done, total) => onProgress?.(`compared ${done} of ${total} changed workloads`) });
}
