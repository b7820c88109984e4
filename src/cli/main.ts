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
import { storedSnapshotLoader } from './history-store-access.js';
import { configCommand } from './commands/config-command.js';
import { auditSettingsFrom, engineSettingsFromConfig } from '../config/config-mapping.js';
import type { NetpolAuditConfig } from '../config/netpol-audit-config.js';
import { applyEngineDefaults, hasEngineOptions } from './engine-options.js';
import { EXIT } from './exit-codes.js';
import { VERSION } from '../version.js';

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
  program.addCommand(configCommand(ctx));
  // the configuration's engine settings are the defaults of --ipblock-pods, --host-network, --ip-families
  program.hook('preAction', async (_program, action) => {
    if (!hasEngineOptions(action)) return;
    applyEngineDefaults(action, engineSettingsFromConfig(await loadCliConfig(action.opts(), ctx.env)));
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

export function defaultContext(): CliContext {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    now: () => new Date(),
    loadStoredSnapshot: storedSnapshotLoader(process.env),
    loadAuditSettings: async (opts) => auditSettingsFrom(await loadCliConfig(opts, process.env)),
    previousPeriodCounts: async () => undefined,
  };
}

/**
 * The configuration by --config, else $NETPOL_AUDIT_CONFIG, else ./netpol-audit.yaml, else the defaults. Loaded
 * on first use: zod and the schema cost a noticeable part of the start-up of commands that need no config.
 */
async function loadCliConfig(opts: Record<string, unknown>, env: NodeJS.ProcessEnv): Promise<NetpolAuditConfig> {
  const { loadConfig } = await import('../config/load-config.js');
  return loadConfig(typeof opts['config'] === 'string' ? { path: opts['config'], env } : { env });
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
      ctx.stderr.write(`netpol-audit: ${e.message}\n${e.hint ? `  hint: ${e.hint}\n` : ''}`);
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
