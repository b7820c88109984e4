/** `netpol-audit run`: one unattended cycle (snapshot, store, audit, and the report of a closed period). */
import { hostname } from 'node:os';
import { Command } from 'commander';
import { createLogger } from '../../adapters/log/logger.js';
import { parsePeriod } from '../../core/report/report-period.js';
import { UserError } from '../../core/model/user-error.js';
import type { CliContext } from '../cli-context.js';
import { addStoreOption } from '../common-options.js';
import { withHistoryStore } from '../history-store-access.js';

export const LOCK_TTL_MS = 3 * 3600_000;

export function runCommand(ctx: CliContext): Command {
  const cmd = new Command('run')
    .description('one unattended cycle: snapshot every configured cluster, store and audit it, and produce the report of a period that has closed')
    .option('--no-snapshot', 'skip collection (report step only)')
    .option('--no-report', 'skip the report step (collection only)')
    .option('--force-report', 'produce the period\'s report even if it was produced before')
    .option('--period <period>', 'report this period (e.g. 2026-Q3) instead of the last closed one')
    .option('--dry-run', 'write emails as .eml files into the report folder instead of sending them')
    .option('--wait <seconds>', 'wait this long for another run to finish (default: 0, exit cleanly)', '0')
    .option('-q, --quiet', 'print only the result lines');
  addStoreOption(cmd);
  return cmd.action(async (opts: Record<string, unknown>) => {
    const config = await ctx.loadConfig(opts);
    if (opts['snapshot'] !== false && !config.clusters.length) {
      throw new UserError('no clusters configured', 'list clusters in the configuration (clusters: [...]), or use --no-snapshot to only produce reports');
    }
    const wait = Number(opts['wait']);
    if (!Number.isFinite(wait) || wait < 0) throw new UserError(`--wait expects seconds, got "${String(opts['wait'])}"`);
    const log = createLogger({ format: config.logging.format, level: opts['quiet'] ? 'warn' : config.logging.level, stream: ctx.stderr as NodeJS.WriteStream });
    const { runCycle } = await import('../../app/run-cycle.js');
    const { runDeps } = await import('../../app/run-deps.js');
    await withHistoryStore(ctx, opts, async (store) => {
      const deps = runDeps(config, store, {
        now: () => ctx.now(),
        log,
        email: config.email.enabled ? (opts['dryRun'] ? 'dry-run' : 'send') : 'off',
        pdf: config.report.pdf.enabled,
        env: ctx.env,
      });
      const result = await runCycle(deps, {
        snapshot: opts['snapshot'] !== false,
        report: opts['report'] !== false,
        force: Boolean(opts['forceReport']),
        ...(opts['period'] ? { period: parsePeriod(opts['period'] as string) } : {}),
        periodKind: config.report.period,
        waitMs: wait * 1000,
        lockTtlMs: LOCK_TTL_MS,
        owner: `${hostname()}:${process.pid}`,
      });
      if (result.lock === 'busy') ctx.stdout.write('another run is in progress; nothing to do\n');
      for (const c of result.clusters) ctx.stdout.write(`${c.line}\n`);
      if (result.report) ctx.stdout.write(`report ${result.report.period || '-'}: ${result.report.status}${result.report.detail ? ` (${result.report.detail})` : ''}\n`);
      if (result.exitCode) process.exitCode = result.exitCode;
    });
  });
}
