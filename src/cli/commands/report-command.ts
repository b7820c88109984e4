/** `netpol-audit report`: render (and optionally email) a period's audit report from the history. */
import { Command, Option } from 'commander';
import { createLogger } from '../../adapters/log/logger.js';
import { periodContaining, parsePeriod, previousPeriod, rangePeriod } from '../../core/report/report-period.js';
import { UserError } from '../../core/model/user-error.js';
import type { CliContext } from '../cli-context.js';
import { addStoreOption } from '../common-options.js';
import { withHistoryStore } from '../history-store-access.js';

export function reportCommand(ctx: CliContext): Command {
  const cmd = new Command('report')
    .description('render the audit report of a period (a quarter by default) from the history: HTML, PDF, CSV/JSON exports, email')
    .option('--period <period>', 'a quarter (2026-Q3), a month (2026-07) or "last" (the last closed quarter; default)')
    .option('--from <date>', 'start of a custom period (YYYY-MM-DD; with --to)')
    .option('--to <date>', 'end of a custom period (YYYY-MM-DD, inclusive)')
    .option('--cluster <name...>', 'clusters to cover (default: the configured clusters, else every cluster in the history)')
    .option('--out <dir>', 'output folder (default: report.outputDir/<period> from the config)')
    .option('--pdf', 'also print report.pdf with Chromium (default: report.pdf.enabled)')
    .option('--no-pdf', 'do not print the PDF')
    .addOption(new Option('--page-size <size>', 'PDF paper size').choices(['A4', 'Letter']))
    .option('--email', 'send it to the configured email channels')
    .option('--dry-run', 'with --email: write each message as an .eml file into the output folder instead of sending')
    .option('--reviewer <name>', 'pre-fill the sign-off page with the reviewer')
    .option('-q, --quiet', 'print only the result');
  addStoreOption(cmd);
  return cmd.action(async (opts: Record<string, unknown>) => {
    const config = await ctx.loadConfig(opts);
    const now = ctx.now();
    const from = opts['from'] as string | undefined;
    const to = opts['to'] as string | undefined;
    if ((from === undefined) !== (to === undefined)) throw new UserError('--from and --to go together', 'give both dates, or --period');
    if (from && opts['period']) throw new UserError('use either --period or --from/--to');
    const p = opts['period'] as string | undefined;
    const period = from && to ? rangePeriod(from, to) : !p || p === 'last' ? previousPeriod(periodContaining(config.report.period, now.toISOString())) : parsePeriod(p);
    if (opts['dryRun'] && !opts['email']) throw new UserError('--dry-run applies to --email', 'add --email to write the messages as .eml files');
    if (opts['email'] && !opts['dryRun'] && !config.email.smtp) throw new UserError('--email needs email.smtp in the configuration', 'configure email (see docs/configuration.md), or use --email --dry-run');
    if (opts['email'] && !config.email.channels.length) throw new UserError('--email needs at least one channel in email.channels');
    const log = createLogger({ format: config.logging.format, level: opts['quiet'] ? 'warn' : config.logging.level, stream: ctx.stderr as NodeJS.WriteStream });
    const pdf = opts['pdf'] === undefined ? config.report.pdf.enabled : Boolean(opts['pdf']);
    const pageSize = opts['pageSize'] as 'A4' | 'Letter' | undefined;
    const effective = pageSize ? { ...config, report: { ...config.report, pdf: { ...config.report.pdf, pageSize } } } : config;
    await withHistoryStore(ctx, opts, async (store) => {
      const clusters = (opts['cluster'] as string[] | undefined) ?? (config.clusters.length ? config.clusters.map((c) => c.name) : await store.clusters());
      if (!clusters.length) throw new UserError(`the history at ${store.location} holds no snapshot`, 'take snapshots first (netpol-audit snapshot), or point --store at the history');
      const { produceReport } = await import('../../app/report/produce-report.js');
      const r = await produceReport({
        store,
        config: effective,
        period,
        clusters,
        ...(opts['out'] ? { outputDir: opts['out'] as string } : {}),
        pdf,
        email: opts['email'] ? (opts['dryRun'] ? 'dry-run' : 'send') : 'off',
        now,
        log,
        env: ctx.env,
        ...(opts['reviewer'] ? { signOff: { reviewer: opts['reviewer'] as string } } : {}),
      });
      const m = r.model;
      const fromBlocks = m.clusterSections.flatMap((s) => (s.fromBlocks ? [`${s.cluster}${s.fromBlocks.connectionsListed ? '' : ' (connections not listed)'}`] : []));
      ctx.stdout.write(
        `Report ${m.period.label} for ${m.clusters.join(', ')}: containment ${m.overall.score ?? 'n/a'}${m.overall.grade ? ` (${m.overall.grade})` : ''}` +
          `${m.missing.length ? `; no data for ${m.missing.map((x) => (x.kind === 'not-analysed' ? `${x.cluster} (snapshot not analysed)` : x.cluster)).join(', ')}` : ''}` +
          `${fromBlocks.length ? `; from reach blocks (beyond the engine's limits): ${fromBlocks.join(', ')}` : ''}\n`,
      );
      for (const f of r.files) ctx.stdout.write(`  ${f.path} (${f.bytes} bytes)\n`);
      if (r.pdf.status === 'failed') ctx.stdout.write(`  PDF FAILED: ${r.pdf.error.message}\n`);
      for (const d of r.deliveries?.deliveries ?? []) {
        ctx.stdout.write(`  email ${d.channel}: ${d.status === 'sent' ? `sent to ${d.recipients.join(', ')}` : d.status === 'dry-run' ? `written to ${d.file}` : `FAILED: ${d.reason}`}\n`);
      }
      if (r.status === 'delivery-failed' || r.pdf.status === 'failed') process.exitCode = 3;
    });
  });
}
