/**
 * Resolves a command's input to a snapshot: a manifest folder (`--manifests DIR`) or a stored snapshot
 * (`--snapshot REF`). Invalid objects stop the command with every problem listed.
 */
import { snapshotFromManifests } from '../app/manifest-snapshot.js';
import type { ObjectProblem } from '../core/model/object-problem.js';
import type { Snapshot } from '../core/model/snapshot.js';
import { UserError } from '../core/model/user-error.js';
import type { Reporter } from './console-reporter.js';

export function failOnErrors(problems: readonly ObjectProblem[], what: string): void {
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length) {
    throw new UserError(
      `${what}: ${errors.length} invalid object field${errors.length === 1 ? '' : 's'} (listed above)`,
      'fix the objects named above; netpol-audit does not guess what a malformed policy means',
    );
  }
}

export async function manifestSnapshot(dir: string, reporter: Reporter, opts: { cluster?: string; takenAt: string }): Promise<Snapshot> {
  reporter.progress(`reading manifests in ${dir}`);
  const { snapshot, problems } = await snapshotFromManifests(dir, opts);
  reporter.problems(problems);
  failOnErrors(problems, dir);
  return snapshot;
}
