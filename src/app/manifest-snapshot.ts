/** Use case: a folder of manifests becomes a snapshot (the same shape a live cluster gives). */
import { readManifestFolder } from '../adapters/kube/manifest-folder.js';
import { objectsToContent } from '../core/model/kube-objects.js';
import type { ObjectProblem } from '../core/model/object-problem.js';
import { makeSnapshot, type Snapshot } from '../core/model/snapshot.js';

export interface ManifestSnapshotOptions {
  readonly cluster?: string;
  /** ISO-8601; defaults to the caller's clock reading. */
  readonly takenAt: string;
}

export async function snapshotFromManifests(dir: string, opts: ManifestSnapshotOptions): Promise<{ snapshot: Snapshot; problems: ObjectProblem[] }> {
  const files = await readManifestFolder(dir);
  const converted = objectsToContent(files.objects);
  const problems = [...files.problems, ...converted.problems];
  for (const [kind, count] of converted.skippedKinds) {
    problems.push({ severity: 'warning', origin: dir, message: `skipped ${count} object${count === 1 ? '' : 's'} of kind ${kind}: not used for network policy analysis` });
  }
  const snapshot = makeSnapshot(
    {
      cluster: opts.cluster ?? 'manifests',
      takenAt: opts.takenAt,
      source: { type: 'manifests', path: dir },
      collected: [
        { resource: 'namespaces', served: true, count: converted.content.namespaces.length },
        { resource: 'pods', served: true, count: converted.content.pods.length },
        { resource: 'networkpolicies', served: true, count: converted.content.networkPolicies.length },
        { resource: 'adminnetworkpolicies', served: true, count: converted.content.adminNetworkPolicies.length },
        { resource: 'baselineadminnetworkpolicies', served: true, count: converted.content.baselineAdminNetworkPolicies.length },
      ],
    },
    converted.content,
  );
  return { snapshot, problems };
}
