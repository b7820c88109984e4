/** `netpol-audit history list|show|prune`: what the history store holds, one snapshot in full, and retention. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { stringify as toYaml } from 'yaml';
import { policyCount, type StoredSnapshotMeta } from '../../adapters/store/history-store.js';
import { isoInstant } from '../../adapters/store/iso-instant.js';
import { loadSnapshotByRef } from '../../app/history/resolve-snapshot-ref.js';
import { sortKeys } from '../../core/model/canonical-json.js';
import type { Snapshot } from '../../core/model/snapshot.js';
import type { CliContext } from '../cli-context.js';
import { addStoreOption, wholeNumber, withHistoryStore } from '../history-store-access.js';

/** `--from` / `--to`: a date (the start or the end of that UTC day) or a timestamp. */
function timeBound(edge: 'start' | 'end'): (value: string) => string {
  return (value) => {
    const v = value.trim();
    try {
      if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return isoInstant(`${v}T${edge === 'start' ? '00:00:00.000' : '23:59:59.999'}Z`, v);
      return isoInstant(v, v);
    } catch {
      throw new InvalidArgumentError(`expected a date such as 2026-09-30 or an ISO-8601 timestamp, got "${value}"`);
    }
  };
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

function listTxt(metas: readonly StoredSnapshotMeta[], location: string): string {
  // naming the store helps when a mistyped --store opened a new, empty one
  if (metas.length === 0) return `(no snapshots in ${location})\n`;
  const rows = metas.map((m) => [
    m.id,
    m.cluster,
    m.takenAt,
    String(m.counts.pods),
    String(policyCount(m.counts)),
    m.failures ? String(m.failures) : '-',
    formatBytes(m.storedBytes),
    m.contentHash.slice(0, 12),
  ]);
  return table([['ID', 'CLUSTER', 'TAKEN AT', 'PODS', 'POLICIES', 'FAILURES', 'SIZE', 'HASH'], ...rows]);
}

function describeSource(s: Snapshot['source']): string {
  const parts = [s.context && `context ${s.context}`, s.server && `server ${s.server}`, s.serverVersion && `version ${s.serverVersion}`, s.path];
  const detail = parts.filter(Boolean).join(', ');
  return detail ? `${s.type}: ${detail}` : s.type;
}

function snapshotSummary(meta: StoredSnapshotMeta, s: Snapshot): string {
  const line = (label: string, value: string | number) => `  ${label.padEnd(33)}${value}\n`;
  let out = `snapshot ${meta.id} of cluster ${meta.cluster}\n`;
  out += line('taken at', meta.takenAt);
  out += line('stored at', meta.storedAt);
  out += line('source', describeSource(s.source));
  out += line('format', `${s.format} version ${s.formatVersion}`);
  out += line('content hash', `sha256:${meta.contentHash}`);
  out += line('stored size', `${formatBytes(meta.storedBytes)} (compressed)`);
  out += line('namespaces', s.namespaces.length);
  out += line('pods', s.pods.length);
  out += line('network policies', s.networkPolicies.length);
  out += line('admin network policies', s.adminNetworkPolicies.length);
  out += line('baseline admin network policies', s.baselineAdminNetworkPolicies.length);
  out += line('nodes', s.nodes.length);
  if (s.collected.length) {
    out += line('collected', s.collected.map((c) => (c.served ? `${c.resource} ${c.count}` : `${c.resource} (not served)`)).join(', '));
  }
  if (s.failures.length === 0) out += line('failures', 'none');
  else {
    out += line('failures', `${s.failures.length} (a partial snapshot)`);
    for (const f of s.failures) out += `    ${f.resource}: ${f.reason}\n`;
  }
  return out;
}

function listCommand(ctx: CliContext): Command {
  const cmd = new Command('list')
    .description('list stored snapshots, oldest first (with --limit: the newest N)')
    .option('--cluster <name>', 'only this cluster')
    .option('--from <when>', 'taken at or after (a date: from its start, UTC; or a timestamp)', timeBound('start'))
    .option('--to <when>', 'taken at or before (a date: to its end, UTC; or a timestamp)', timeBound('end'))
    .option('--limit <n>', 'only the newest N', wholeNumber(1))
    .addOption(new Option('-o, --output <format>', 'output format').choices(['txt', 'json']).default('txt'));
  addStoreOption(cmd);
  return cmd.action(async (opts: Record<string, unknown>) => {
    const { metas, location } = await withHistoryStore(ctx, opts, async (store) => ({
      location: store.location,
      metas: await store.listSnapshots({
        ...(opts['cluster'] !== undefined ? { cluster: opts['cluster'] as string } : {}),
        ...(opts['from'] !== undefined ? { from: opts['from'] as string } : {}),
        ...(opts['to'] !== undefined ? { to: opts['to'] as string } : {}),
        ...(opts['limit'] !== undefined ? { limit: opts['limit'] as number } : {}),
      }),
    }));
    // the store gives the newest first with a limit; people read history oldest first
    const chronological = opts['limit'] !== undefined ? [...metas].reverse() : metas;
    ctx.stdout.write(opts['output'] === 'json' ? `${JSON.stringify(chronological, null, 2)}\n` : listTxt(chronological, location));
  });
}

function showCommand(ctx: CliContext): Command {
  const cmd = new Command('show')
    .description('show one stored snapshot: a summary, or all of it as JSON or YAML')
    .argument('<ref>', 'an id, "latest", a date such as 2026-09-30, or a timestamp')
    .option('--cluster <name>', 'which cluster, for "latest" and dates when the store holds several')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['summary', 'json', 'yaml']).default('summary'));
  addStoreOption(cmd);
  return cmd.action(async (ref: string, opts: Record<string, unknown>) => {
    await withHistoryStore(ctx, opts, async (store) => {
      const { meta, snapshot } = await loadSnapshotByRef(store, ref, opts['cluster'] as string | undefined);
      if (opts['output'] === 'json') ctx.stdout.write(`${JSON.stringify(sortKeys(snapshot), null, 2)}\n`);
      else if (opts['output'] === 'yaml') ctx.stdout.write(toYaml(sortKeys(snapshot)));
      else ctx.stdout.write(snapshotSummary(meta, snapshot));
    });
  });
}

function pruneCommand(ctx: CliContext): Command {
  const cmd = new Command('prune')
    .description('delete old snapshots: keep those younger than --keep-days, and beyond that the newest N per cluster and quarter')
    .requiredOption('--keep-days <n>', 'keep every snapshot taken in the last N days', wholeNumber(0))
    .option('--keep-per-quarter <n>', 'of older snapshots, keep the newest N per cluster and calendar quarter (default 0)', wholeNumber(0))
    .option('--cluster <name>', 'prune only this cluster')
    .option('--dry-run', 'list what would be deleted, delete nothing');
  addStoreOption(cmd);
  return cmd.action(async (opts: Record<string, unknown>) => {
    const dryRun = Boolean(opts['dryRun']);
    const doomed = await withHistoryStore(ctx, opts, (store) =>
      store.prune(
        {
          keepDays: opts['keepDays'] as number,
          ...(opts['keepPerQuarter'] !== undefined ? { keepPerQuarter: opts['keepPerQuarter'] as number } : {}),
          ...(opts['cluster'] !== undefined ? { cluster: opts['cluster'] as string } : {}),
          dryRun,
        },
        ctx.now(),
      ),
    );
    if (doomed.length === 0) {
      ctx.stdout.write('nothing to prune\n');
      return;
    }
    const verb = dryRun ? 'would delete' : 'deleted';
    ctx.stdout.write(`${verb} ${doomed.length} snapshot${doomed.length === 1 ? '' : 's'}:\n`);
    for (const m of doomed) ctx.stdout.write(`  ${m.id}  ${m.cluster}  ${m.takenAt}\n`);
  });
}

export function historyCommand(ctx: CliContext): Command {
  return new Command('history')
    .description('list, show and prune the stored snapshots')
    .addCommand(listCommand(ctx))
    .addCommand(showCommand(ctx))
    .addCommand(pruneCommand(ctx));
}
