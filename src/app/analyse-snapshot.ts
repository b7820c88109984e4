/** Use case: a snapshot is validated into a cluster model and analysed. */
import { analyseCluster, type ClusterAnalysis } from '../core/engine/analyse-cluster.js';
import type { EngineSettings } from '../core/engine/engine-settings.js';
import { buildClusterModel } from '../core/model/cluster-model.js';
import type { ObjectProblem } from '../core/model/object-problem.js';
import type { Snapshot } from '../core/model/snapshot.js';

export function analyseSnapshot(snapshot: Snapshot, settings: EngineSettings): { analysis: ClusterAnalysis; problems: ObjectProblem[] } {
  const { model, problems } = buildClusterModel(snapshot);
  const analysis = analyseCluster(model, settings);
  return { analysis, problems: [...problems, ...analysis.warnings] };
}
