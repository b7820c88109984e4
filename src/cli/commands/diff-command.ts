/** `netpol-audit diff`: how connectivity changed between two inputs. */
import { Command, Option } from 'commander';
import { analyseSnapshotPolicies, connectivityChanges } from '../../app/analyse-snapshot.js';
import type { Snapshot } from '../../core/model/snapshot.js';
import { UserError } from '../../core/model/user-error.js';
import type { CliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { consoleReporter, type Reporter } from '../console-reporter.js';
import { addEngineOptions, engineSettingsFrom } from '../engine-options.js';
import {
  connectivityChangesJson,
  DIFF_FORMATS,
  formatConnectivityChangesMd,
  formatConnectivityChangesTxt,
  type DiffFormat,
} from '../formats/diff-formats.js';
import { addStoreOption } from '../common-options.js';
import { failOnErrors, manifestSnapshot } from '../snapshot-input.js';
import { driftBetween, driftSide } from '../../app/drift-between.js';
import { driftJson, formatDriftMd, formatDriftTxt } from '../formats/drift-formats.js';
import { userMessage } from '../user-message.js';

export function diffCommand(ctx: CliContext): Command {
  const cmd = new Command('diff')
    .description('compare two manifest folders or stored snapshots: connectivity, exposure, policies, labels and findings')
    .option('--manifests-before <dir>', 'manifest folder of the earlier state')
    .option('--manifests-after <dir>', 'manifest folder of the later state')
    .option('--from <ref>', 'stored snapshot of the earlier state (id, latest, or date)')
    .option('--to <ref>', 'stored snapshot of the later state (id, latest, or date)')
    .option('--cluster <name>', 'cluster whose stored snapshots to compare')
    .option('-q, --quiet', 'print no warnings or progress')
    .addOption(new Option('-o, --output <format>', 'output format').choices(DIFF_FORMATS).default('txt'))
    .option('--connectivity-only', 'only the connectivity changes (skip exposure, policy, label and finding drift)');
  addStoreOption(cmd);
  addEngineOptions(cmd);
  return cmd.action(async (opts: Record<string, unknown>) => {
    const format = opts['output'] as DiffFormat;
    const reporter = consoleReporter({ quiet: Boolean(opts['quiet']), machineOutput: format === 'json' });
    const [before, after] = await loadPair(ctx, opts, reporter);
    const settings = engineSettingsFrom(opts);
    if (opts['connectivityOnly']) {
      const analyse = (s: Snapshot) => {
        const { base, problems } = analyseSnapshotPolicies(s, settings);
        reporter.problems(problems);
        failOnErrors(problems, s.source.path ?? s.cluster);
        return base;
      };
      // beyond the engine's limits the same changes come from reach blocks (past their own limit: exit 2, explained)
      const changes = connectivityChanges(analyse(before), analyse(after), (m) => reporter.progress(m));
      if (format === 'json') ctx.stdout.write(`${JSON.stringify({ changes: connectivityChangesJson(changes) }, null, 2)}\n`);
      else if (format === 'md') ctx.stdout.write(formatConnectivityChangesMd(changes));
      else ctx.stdout.write(formatConnectivityChangesTxt(changes));
      return;
    }
    const audit = await ctx.loadAuditSettings(opts);
    const today = ctx.now().toISOString().slice(0, 10);
    const side = (s: Snapshot) => {
      const { side: d, problems } = driftSide(s, settings, audit, today, { keepAnalysis: true });
      reporter.problems(problems);
      failOnErrors(problems, s.source.path ?? s.cluster);
      return d;
    };
    const drift = driftBetween(side(before), side(after));
    if (format === 'json') ctx.stdout.write(`${JSON.stringify(driftJson(drift), null, 2)}\n`);
    else if (format === 'md') ctx.stdout.write(formatDriftMd(drift));
    else ctx.stdout.write(formatDriftTxt(drift));
    if (!drift.complete) {
      // the drift is printed, but connectivity is unknown: never a passing exit code
      const what = drift.connections
        ? 'beyond the engine limits: compared from reach blocks (connections, exposure, policies, and the findings of the checks that ran on both sides; redundancy not)'
        : drift.exposure
          ? 'connections not compared, beyond the engine limits: both sides were analysed from reach blocks (or one completely), so exposure, policies and findings were compared'
          : 'connectivity and exposure not analysed, beyond the engine limits; only the policy drift was computed';
      ctx.stderr.write(userMessage(what, { details: drift.notAnalysed }));
      process.exitCode = EXIT.usage;
    }
  });
}

async function loadPair(ctx: CliContext, opts: Record<string, unknown>, reporter: Reporter): Promise<[Snapshot, Snapshot]> {
  const mb = opts['manifestsBefore'] as string | undefined;
  const ma = opts['manifestsAfter'] as string | undefined;
  const from = opts['from'] as string | undefined;
  const to = opts['to'] as string | undefined;
  const takenAt = ctx.now().toISOString();
  const side = async (dir: string | undefined, ref: string | undefined, name: string): Promise<Snapshot> => {
    if (dir && ref) throw new UserError(`give the ${name} state once: --manifests-${name} or --${name === 'before' ? 'from' : 'to'}`);
    if (dir) return manifestSnapshot(dir, reporter, { cluster: opts['cluster'] as string | undefined, takenAt });
    if (ref) return ctx.loadStoredSnapshot(opts, ref, reporter);
    throw new UserError(`no ${name} state given`, `pass --manifests-${name} DIR or --${name === 'before' ? 'from' : 'to'} REF`);
  };
  return [await side(mb, from, 'before'), await side(ma, to, 'after')];
}
