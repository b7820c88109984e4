/**
 * CLI entry point: builds the commands and is the one place that turns errors into exit codes:
 * user errors print a message and what to do (2, or 3 for environment failures); anything else is a bug (70).
 */
import { Command, CommanderError } from 'commander';
import { UserError } from '../core/model/user-error.js';
import type { CliContext } from './cli-context.js';
import { connectivityCommand } from './commands/connectivity-command.js';
import { auditCommand } from './commands/audit-command.js';
import { checksCommand } from './commands/checks-command.js';
import { diffCommand } from './commands/diff-command.js';
import { historyCommand } from './commands/history-command.js';
import { snapshotCommand } from './commands/snapshot-command.js';
import { previousPeriodCountsFromStore, storedSnapshotLoader } from './history-store-access.js';
import { configCommand } from './commands/config-command.js';
import { daemonCommand } from './commands/daemon-command.js';
import { demoCommand } from './commands/demo-command.js';
import { healthCommand } from './commands/health-command.js';
import { reportCommand } from './commands/report-command.js';
import { runCommand } from './commands/run-command.js';
import { auditSettingsFrom, engineSettingsFromConfig } from '../config/config-mapping.js';
import type { NetpolAuditConfig } from '../config/netpol-audit-config.js';
import { applyEngineDefaults, hasEngineOptions } from './engine-options.js';
import { EXIT } from './exit-codes.js';
import { VERSION } from '../version.js';
import { userMessage } from './user-message.js';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('netpol-audit')
    .description('Audit Kubernetes network containment: exact connectivity, history, findings and quarterly reports.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)');
  program.addCommand(connectivityCommand(ctx));
  program.addCommand(diffCommand(ctx));
  program.addCommand(snapshotCommand(ctx));
  program.addCommand(historyCommand(ctx));
  program.addCommand(auditCommand(ctx));
  program.addCommand(checksCommand(ctx));
  program.addCommand(reportCommand(ctx));
  program.addCommand(runCommand(ctx));
  program.addCommand(daemonCommand(ctx));
  program.addCommand(demoCommand(ctx));
  program.addCommand(healthCommand(ctx));
  program.addCommand(configCommand(ctx));
  // the configuration's engine settings are the defaults of --ipblock-pods, --host-network, --ip-families
  program.hook('preAction', async (_program, action) => {
    if (!hasEngineOptions(action)) return;
    applyEngineDefaults(action, engineSettingsFromConfig(await ctx.loadConfig(action.opts())));
  });
  // commands built separately do not inherit these settings: apply them down the tree
  const configure = (c: Command) => {
    c.exitOverride();
    c.configureOutput({ writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(s) });
    c.commands.forEach(configure);
  };
  configure(program);
  return program;
}

export function defaultContext(env: NodeJS.ProcessEnv = process.env): CliContext {
  const loadConfig = configLoader(env);
  const ctx: CliContext = {
    stdout: process.stdout,
    stderr: process.stderr,
    env,
    now: clock(env),
    loadConfig,
    loadStoredSnapshot: (opts, ref, reporter) => storedSnapshotLoader(ctx)(opts, ref, reporter),
    loadAuditSettings: async (opts) => auditSettingsFrom(await loadConfig(opts)),
    previousPeriodCounts: async (opts, snapshot) => previousPeriodCountsFromStore(ctx, opts, snapshot),
  };
  return ctx;
}

/**
 * The wall clock, or a fixed instant from NETPOL_AUDIT_NOW (ISO-8601) — to reproduce what a run did on a
 * given day, or to back-fill reports; periods, exception expiry and snapshot times all follow it.
 */
function clock(env: NodeJS.ProcessEnv): () => Date {
  const fixed = env['NETPOL_AUDIT_NOW'];
  if (!fixed) return () => new Date();
  return () => {
    const t = Date.parse(fixed);
    if (Number.isNaN(t)) throw new UserError(`NETPOL_AUDIT_NOW="${fixed}" is not an ISO-8601 instant`, 'e.g. NETPOL_AUDIT_NOW=2026-10-01T06:00:00Z, or unset it');
    return new Date(t);
  };
}

/**
 * The configuration by --config, else $NETPOL_AUDIT_CONFIG, else ./netpol-audit.yaml, else the defaults. Loaded
 * on first use (zod and the schema cost a noticeable part of the start-up of commands that need no config)
 * and once per file.
 */
function configLoader(env: NodeJS.ProcessEnv): CliContext['loadConfig'] {
  const cache = new Map<string, Promise<NetpolAuditConfig>>();
  return (opts) => {
    const path = typeof opts['config'] === 'string' ? opts['config'] : undefined;
    const key = path ?? '';
    let p = cache.get(key);
    if (!p) {
      p = import('../config/load-config.js').then(({ loadConfig }) => loadConfig(path ? { path, env } : { env }));
      cache.set(key, p);
    }
    return p;
  };
}

export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const program = buildProgram(ctx);
  // commands report a non-zero outcome (e.g. findings over --fail-on) through process.exitCode
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync([...argv]);
    return process.exitCode === undefined ? EXIT.ok : Number(process.exitCode);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UserError) {
      ctx.stderr.write(userMessage(e.message, { hint: e.hint }));
      return e.exitCode;
    }
    ctx.stderr.write(`netpol-audit: internal error (a bug; please report it with this output)\n${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT.bug;
  } finally {
    process.exitCode = before;
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  return runCli(argv, defaultContext());
}
