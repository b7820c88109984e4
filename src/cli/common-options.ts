/** Options shared by many commands: the configuration file and the history store. */
import type { Command } from 'commander';

export const CONFIG_OPTION_HELP = 'configuration file (default: $NETPOL_AUDIT_CONFIG, else ./netpol-audit.yaml if present); options given here win over it';
export const STORE_OPTION_HELP = 'history store: a file path, sqlite:PATH or postgres://... (default: $NETPOL_AUDIT_STORE, the config, or ~/.local/share/netpol-audit/history.sqlite)';

/** `--config FILE`: the configuration whose settings are the defaults of the command's options. */
export function addConfigOption(cmd: Command): Command {
  return cmd.options.some((o) => o.long === '--config') ? cmd : cmd.option('--config <file>', CONFIG_OPTION_HELP);
}

/** `--store` (and `--config`, which may name the store). */
export function addStoreOption(cmd: Command): Command {
  addConfigOption(cmd);
  return cmd.options.some((o) => o.long === '--store') ? cmd : cmd.option('--store <store>', STORE_OPTION_HELP);
}
