/** `netpol-audit connectivity`: who may connect to whom, per workload pair and external range. */
import { Command, Option } from 'commander';
import { snapshotConnectivity } from '../../app/analyse-snapshot.js';
import { consoleReporter } from '../console-reporter.js';
import { addEngineOptions, engineSettingsFrom } from '../engine-options.js';
import { CONNECTIVITY_FORMATS, formatConnectivity, type ConnectivityFormat } from '../formats/connectivity-formats.js';
import { failOnErrors } from '../snapshot-input.js';
import { addInputOptions, resolveInput } from '../input-options.js';
import type { CliContext } from '../cli-context.js';

export function connectivityCommand(ctx: CliContext): Command {
  const cmd = new Command('connectivity')
    .description('list the allowed connections between workloads and to/from external addresses')
    .addOption(new Option('-o, --output <format>', 'output format').choices(CONNECTIVITY_FORMATS).default('txt'));
  addInputOptions(cmd);
  addEngineOptions(cmd);
  return cmd.action(async (opts: Record<string, unknown>) => {
    const format = opts['output'] as ConnectivityFormat;
    const reporter = consoleReporter({ quiet: Boolean(opts['quiet']), machineOutput: format !== 'txt' && format !== 'md' });
    const snapshot = await resolveInput(ctx, opts, reporter);
    reporter.progress(`analysing ${snapshot.pods.length} pods, ${snapshot.networkPolicies.length} network policies`);
    // beyond the engine's limits the same listing comes from reach blocks (past their own limit: exit 2, explained)
    const { connectivity, problems } = snapshotConnectivity(snapshot, engineSettingsFrom(opts), (m) => reporter.progress(m));
    reporter.problems(problems);
    failOnErrors(problems, snapshot.source.path ?? snapshot.cluster);
    ctx.stdout.write(formatConnectivity(connectivity, format));
  });
}
