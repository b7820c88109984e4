/** The input options shared by analysis commands: a manifest folder or a stored snapshot. */
import type { Command } from 'commander';
import type { Snapshot } from '../core/model/snapshot.js';
import { UserError } from '../core/model/user-error.js';
import type { CliContext } from './cli-context.js';
import type { Reporter } from './console-reporter.js';
import { manifestSnapshot } from './snapshot-input.js';
import { addStoreOption } from './common-options.js';

export { addConfigOption, CONFIG_OPTION_HELP } from './common-options.js';

export function addInputOptions(cmd: Command): Command {
  addStoreOption(cmd);
  return cmd
    .option('--manifests <dir>', 'folder of Kubernetes manifests (YAML/JSON, read recursively)')
    .option('--snapshot <ref>', 'stored snapshot: an id, "latest", or a date such as 2026-09-30')
    .option('--cluster <name>', 'cluster name (for --manifests: the name to give it; for --snapshot: which cluster)')
    .option('-q, --quiet', 'print no warnings or progress');
}

export async function resolveInput(ctx: CliContext, opts: Record<string, unknown>, reporter: Reporter): Promise<Snapshot> {
  const manifests = opts['manifests'] as string | undefined;
  const ref = opts['snapshot'] as string | undefined;
  if (manifests && ref) throw new UserError('use either --manifests or --snapshot, not both');
  if (manifests) return manifestSnapshot(manifests, reporter, { cluster: opts['cluster'] as string | undefined, takenAt: ctx.now().toISOString() });
  if (ref) return ctx.loadStoredSnapshot(opts, ref, reporter);
  throw new UserError('no input given', 'pass --manifests DIR or --snapshot REF');
}
