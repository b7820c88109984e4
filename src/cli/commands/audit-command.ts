/** `netpol-audit audit`: findings for a manifest folder or a stored snapshot; gates CI with --fail-on. */
import { Command, Option } from 'commander';
import { auditSnapshot, policyCounts } from '../../app/audit-snapshot.js';
import { DEFAULT_AUDIT_SETTINGS, type AuditSettings } from '../../core/findings/audit-settings.js';
import { SEVERITIES, severityRank, type Severity } from '../../core/findings/severity.js';
import type { CliContext } from '../cli-context.js';
import { consoleReporter } from '../console-reporter.js';
import { addEngineOptions, engineSettingsFrom } from '../engine-options.js';
import { EXIT } from '../exit-codes.js';
import { AUDIT_FORMATS, auditJson, formatAuditCsv, formatAuditSarif, formatAuditTxt, type AuditFormat } from '../formats/audit-formats.js';
import { addInputOptions, resolveInput } from '../input-options.js';
import { failOnErrors, manifestSnapshot } from '../snapshot-input.js';
import { userMessage } from '../user-message.js';

export function auditCommand(ctx: CliContext): Command {
  const cmd = new Command('audit')
    .description('raise findings: missing default-deny, unisolated or exposed workloads, label and policy hygiene')
    .addOption(new Option('-o, --output <format>', 'output format').choices(AUDIT_FORMATS).default('txt'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when an unsuppressed finding is at or above this severity').choices(SEVERITIES))
    .option('--require-label <key...>', 'label keys every pod must carry (pod-missing-required-labels)')
    .option('--previous-manifests <dir>', 'the previous period\'s manifests, for policy-count-growth');
  addInputOptions(cmd);
  addEngineOptions(cmd);
  return cmd.action(async (opts: Record<string, unknown>) => {
    const format = opts['output'] as AuditFormat;
    const reporter = consoleReporter({ quiet: Boolean(opts['quiet']), machineOutput: format !== 'txt' });
    const config = await ctx.loadAuditSettings(opts);
    const settings: AuditSettings = {
      ...config,
      ...(opts['requireLabel'] ? { requiredPodLabels: opts['requireLabel'] as string[] } : {}),
    };
    const snapshot = await resolveInput(ctx, opts, reporter);
    const engine = engineSettingsFrom(opts);
    const today = ctx.now().toISOString().slice(0, 10);
    let previous;
    if (opts['previousManifests']) {
      const prev = await manifestSnapshot(opts['previousManifests'] as string, reporter, { takenAt: ctx.now().toISOString() });
      previous = policyCounts(prev, 'the previous manifests');
    } else if (opts['snapshot']) {
      previous = await ctx.previousPeriodCounts(opts, snapshot);
    }
    reporter.progress(`auditing ${snapshot.cluster}`);
    // beyond the engine's limits, the audit from reach blocks (every check but redundancy), else the policy level
    const audit = auditSnapshot(snapshot, engine, settings, today, previous, { onProgress: (m) => reporter.progress(m) });
    const { result, problems } = audit;
    reporter.problems(problems);
    failOnErrors(problems, snapshot.source.path ?? snapshot.cluster);
    if (format === 'json') ctx.stdout.write(`${JSON.stringify(auditJson([result]), null, 2)}\n`);
    else if (format === 'csv') ctx.stdout.write(formatAuditCsv([result]));
    else if (format === 'sarif') ctx.stdout.write(formatAuditSarif([result], [snapshot]));
    else ctx.stdout.write(formatAuditTxt(result));
    const failOn = opts['failOn'] as Severity | undefined;
    if (failOn && result.findings.some((f) => !f.suppressed && severityRank(f.severity) >= severityRank(failOn))) process.exitCode = EXIT.findings;
    if (!audit.complete) {
      // the findings are printed, but some checks did not run: never a passing exit code
      const notRun = audit.result.notRun.checks.join(', ');
      const fromBlocks = audit.fromBlocks;
      const details = [fromBlocks ? `the audit ran from reach blocks; not run (they need the complete analysis): ${notRun}` : `only the policy-level checks ran; not run: ${notRun}`];
      // from blocks, the engine's own hint (raise its limit) would send the cluster through the allow maps it is beyond
      const hint = fromBlocks ? `only ${notRun} needs the complete analysis; for it, ${audit.stoppedBy.hint ?? 'raise the limit'}` : audit.stoppedBy.hint;
      ctx.stderr.write(userMessage(audit.stoppedBy.message, { details, ...(hint ? { hint } : {}) }));
      process.exitCode = EXIT.usage;
    }
  });
}

export { DEFAULT_AUDIT_SETTINGS };
