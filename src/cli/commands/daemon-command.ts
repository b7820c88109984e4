/** `netpol-audit daemon`: run snapshots and reports on the configured schedules until SIGTERM/SIGINT. */
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { createLogger } from '../../adapters/log/logger.js';
import { UserError } from '../../core/model/user-error.js';
import type { CliContext } from '../cli-context.js';
import { addStoreOption } from '../common-options.js';
import { withHistoryStore } from '../history-store-access.js';
import { LOCK_TTL_MS } from './run-command.js';

export function heartbeatFile(env: NodeJS.ProcessEnv): string {
  return env['NETPOL_AUDIT_HEARTBEAT'] || join(tmpdir(), 'netpol-audit', 'heartbeat');
}

export function daemonCommand(ctx: CliContext): Command {
  const cmd = new Command('daemon')
    .description('stay running: snapshots and reports on the schedules of the configuration (schedule.*), structured logs, graceful stop on SIGTERM')
    .option('--grace <seconds>', 'on SIGTERM, how long to let the current run finish', '60')
    .option('--dry-run', 'write emails as .eml files instead of sending them');
  addStoreOption(cmd);
  return cmd.action(async (opts: Record<string, unknown>) => {
    const config = await ctx.loadConfig(opts);
    const log = createLogger({ format: config.logging.format, level: config.logging.level, stream: ctx.stderr as NodeJS.WriteStream });
    const grace = Number(opts['grace']);
    if (!Number.isFinite(grace) || grace < 0) throw new UserError(`--grace expects seconds, got "${String(opts['grace'])}"`);
    const { AuditDaemon } = await import('../../adapters/schedule/audit-daemon.js');
    const { runCycle } = await import('../../app/run-cycle.js');
    const { runDeps } = await import('../../app/run-deps.js');
    await withHistoryStore(ctx, opts, async (store) => {
      const daemon = new AuditDaemon({
        schedule: config.schedule,
        log,
        heartbeatFile: heartbeatFile(ctx.env),
        run: async (kind, signal) => {
          const deps = runDeps(config, store, {
            now: () => ctx.now(),
            log,
            email: config.email.enabled ? (opts['dryRun'] ? 'dry-run' : 'send') : 'off',
            pdf: config.report.pdf.enabled,
            signal,
            env: ctx.env,
          });
          const r = await runCycle(deps, {
            snapshot: kind === 'snapshot' && config.clusters.length > 0,
            report: kind === 'report',
            force: false,
            periodKind: config.report.period,
            waitMs: 0,
            lockTtlMs: LOCK_TTL_MS,
            owner: `${hostname()}:${process.pid}:daemon`,
          });
          for (const c of r.clusters) log.info(c.line, { cluster: c.cluster, ok: c.ok });
          if (r.report) log.info(`report ${r.report.period}: ${r.report.status}`, { detail: r.report.detail });
        },
      });
      const stopped = new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (sig: string) => {
          if (stopping) return;
          stopping = true;
          log.info('signal received, stopping', { signal: sig });
          void daemon.stop(grace * 1000).then(() => resolve());
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      daemon.start();
      await stopped;
    });
  });
}
