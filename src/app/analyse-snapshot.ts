/** Use case: a snapshot is validated into a cluster model and analysed. */
import { analysePolicies, completeAnalysis, type ClusterAnalysis, type PolicyAnalysis } from '../core/engine/analyse-cluster.js';
import type { EngineSettings } from '../core/engine/engine-settings.js';
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
