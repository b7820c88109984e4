/** `netpol-audit config check|schema`: validate the configuration (all problems at once), or print its JSON Schema. */
import { Command } from 'commander';
import { chooseStoreLocation } from '../../adapters/store/store-location.js';
import type { EmailChannelConfig, NetpolAuditConfig } from '../../config/netpol-audit-config.js';
import type { CliContext } from '../cli-context.js';
import { CONFIG_OPTION_HELP } from '../input-options.js';

const STORE_FROM = { option: '--store', env: 'from $NETPOL_AUDIT_STORE', config: 'from the config', default: 'the default' } as const;

function channelSummary(c: EmailChannelConfig): string {
  const recipients = c.to.length + c.cc.length;
  const scope: string[] = [];
  if (c.namespaces?.names) scope.push(`namespaces ${c.namespaces.names.join(', ')}`);
  if (c.namespaces?.labels) scope.push(`namespaces labelled ${Object.entries(c.namespaces.labels).map(([k, v]) => `${k}=${v}`).join(',')}`);
  return `${c.name}: ${recipients} recipient${recipients === 1 ? '' : 's'}, ${scope.length ? scope.join(' or ') : 'all namespaces'}${c.attachPdf ? ', PDF attached' : ''}`;
}

/** A short summary that never shows a password. */
export function configSummary(config: NetpolAuditConfig, env: NodeJS.ProcessEnv): string {
  const line = (label: string, value: string) => `  ${(label ? `${label}:` : '').padEnd(10)}${value}\n`;
  let out = `config OK: ${config.source ?? 'defaults'}\n`;
  out += line(
    'clusters',
    config.clusters.length
      ? config.clusters.map((c) => `${c.name} (${c.inCluster ? 'in-cluster' : `context ${c.context ?? c.name}`})`).join(', ')
      : 'none configured (the command line chooses: the current kubeconfig context)',
  );
  const store = chooseStoreLocation({ env, ...(config.store !== undefined ? { config: config.store } : {}) });
  out += line('store', `${store.location.kind === 'postgres' ? 'PostgreSQL' : 'SQLite'} ${store.location.display} (${STORE_FROM[store.from]})`);
  const email = config.email;
  if (!email.enabled) out += line('email', 'disabled');
  else {
    const smtp = email.smtp;
    const transport = smtp ? `${smtp.host}:${smtp.port}${smtp.secure ? ' (TLS)' : smtp.starttls === 'never' ? ' (no TLS)' : ` (STARTTLS ${smtp.starttls})`}${smtp.user ? `, as ${smtp.user}` : ''}` : '';
    out += line('email', `from ${email.from} via ${transport}`);
    for (const c of email.channels) out += line('', `channel ${channelSummary(c)}`);
  }
  const s = config.schedule;
  out += line('schedule', `snapshots "${s.snapshot}", reports "${s.report}" (${s.timezone}), catch-up ${s.catchUp ? 'on' : 'off'}`);
  return out;
}

export function configCommand(ctx: CliContext): Command {
  const check = new Command('check')
    .description('validate the configuration, reporting every problem at once (exit 2), and summarise it')
    .option('--config <file>', CONFIG_OPTION_HELP)
    .action(async (opts: Record<string, unknown>) => {
      // loaded on use, like everywhere in the CLI (zod is slow to load)
      const { loadConfig } = await import('../../config/load-config.js');
      const config = await loadConfig({ ...(opts['config'] !== undefined ? { path: opts['config'] as string } : {}), env: ctx.env });
      ctx.stdout.write(configSummary(config, ctx.env));
    });
  const schema = new Command('schema')
    .description('print the JSON Schema of the configuration file (config/netpol-audit.schema.json), for editors')
    .action(async () => {
      const { configJsonSchemaText } = await import('../../config/config-schema.js');
      ctx.stdout.write(configJsonSchemaText());
    });
  return new Command('config').description('check the configuration file, or print its JSON Schema').addCommand(check).addCommand(schema);
}
