/**
 * `netpol-audit demo`: with no cluster at hand, builds a history from the bundled example manifests over
 * the last four quarters (a cluster improving its containment stage by stage, plus a cluster whose
 * collection failed) and renders the full report of the last closed quarter — the real product on a
 * fresh machine.
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { createLogger } from '../../adapters/log/logger.js';
import type { NetpolAuditConfig } from '../../config/netpol-audit-config.js';
import { periodContaining, previousPeriod } from '../../core/report/report-period.js';
import { EnvironmentError } from '../../core/model/user-error.js';
import { EXAMPLES_DIR } from '../../package-paths.js';
import type { CliContext } from '../cli-context.js';

/** The stages of the example cluster, oldest first; the last one is the current state. */
export const DEMO_STAGES = ['evolution/1-no-policies', 'evolution/2-storefront', 'evolution/3-payments', 'shop', 'shop-v2'] as const;

export function demoCommand(ctx: CliContext): Command {
  return new Command('demo')
    .description('build a demo history from the bundled examples (several quarters) and render its quarterly report')
    .option('--out <dir>', 'output folder (history, report, exports)', 'netpol-audit-demo')
    .option('--no-pdf', 'skip the PDF (by default it is printed when Chromium is found)')
    .option('--email', 'also write the example email channels\' messages as .eml files (never sent)')
    .option('-q, --quiet', 'print only the result')
    .action(async (opts: { out: string; pdf: boolean; email?: boolean; quiet?: boolean }) => {
      const out = resolve(opts.out);
      const now = ctx.now();
      const log = createLogger({ format: 'auto', level: opts.quiet ? 'warn' : 'info', stream: ctx.stderr as NodeJS.WriteStream });
      const base = await ctx.loadConfig({});
      const config: NetpolAuditConfig = {
        ...base,
        clusters: [],
        report: { ...base.report, outputDir: out, title: base.report.title ?? 'Network containment audit (demo)', organisation: base.report.organisation ?? 'Example Shop Ltd' },
        email: {
          ...base.email,
          enabled: Boolean(opts.email),
          from: 'netpol-audit@example.com',
          channels: [
            { name: 'security', to: ['security@example.com'], cc: [], attachPdf: true },
            { name: 'payments-team', to: ['payments@example.com'], cc: [], attachPdf: true, namespaces: { labels: { team: 'payments' } } },
          ],
        },
      };
      const historyFile = join(out, 'history.sqlite');
      rmSync(historyFile, { force: true });
      for (const suffix of ['-wal', '-shm']) rmSync(`${historyFile}${suffix}`, { force: true });
      const { openSqliteHistoryStore } = await import('../../adapters/store/sqlite-history-store.js');
      const { snapshotFromManifests } = await import('../../app/manifest-snapshot.js');
      const { produceReport } = await import('../../app/report/produce-report.js');
      const store = await openSqliteHistoryStore(historyFile);
      try {
        // stage i is the state at the end of quarter (last closed - (3 - i)); the last stage is today's
        const lastClosed = previousPeriod(periodContaining('quarter', now.toISOString()));
        const quarters = [lastClosed];
        while (quarters.length < DEMO_STAGES.length - 1) quarters.unshift(previousPeriod(quarters[0]!));
        for (const [i, stage] of DEMO_STAGES.entries()) {
          const takenAt = i < quarters.length ? `${quarters[i]!.to}T12:00:00.000Z` : now.toISOString();
          const { snapshot } = await snapshotFromManifests(join(EXAMPLES_DIR, stage), { cluster: 'shop-prod', takenAt });
          const meta = await store.saveSnapshot(snapshot);
          log.info(`stored snapshot ${meta.id} of shop-prod (${stage}) taken ${takenAt}`);
        }
        await store.recordCollectionFailure({
          cluster: 'edge-eu',
          attemptedAt: `${lastClosed.to}T02:00:00.000Z`,
          reason: 'forbidden: cannot list pods at cluster scope as user "system:serviceaccount:netpol-audit:netpol-audit" (grant list on pods in the core API group ""; see config/deploy/rbac.yaml)',
        });
        let pdf = opts.pdf;
        if (pdf) {
          const { findChromium } = await import('../../adapters/render/pdf-printer.js');
          try {
            findChromium({ env: ctx.env });
          } catch (e) {
            if (!(e instanceof EnvironmentError)) throw e;
            log.warn(`no PDF: ${e.message}`, { hint: e.hint });
            pdf = false;
          }
        }
        const r = await produceReport({
          store,
          config,
          period: lastClosed,
          clusters: ['edge-eu', 'shop-prod'],
          pdf,
          email: opts.email ? 'dry-run' : 'off',
          now,
          log,
          env: ctx.env,
        });
        ctx.stdout.write(`Demo report ${lastClosed.label}: containment ${r.model.overall.score} (${r.model.overall.grade}), ${r.model.clusters.length} clusters\n`);
        for (const f of r.files) ctx.stdout.write(`  ${f.path}\n`);
        for (const d of r.deliveries?.deliveries ?? []) if (d.status === 'dry-run') ctx.stdout.write(`  ${d.file} (email to ${d.channel}, not sent)\n`);
        ctx.stdout.write(`Open ${join(r.outputDir, 'report.html')} in a browser${r.pdf.status === 'written' ? `, or ${r.pdf.path}` : ''}.\n`);
        if (r.pdf.status === 'failed') {
          ctx.stdout.write(`PDF not printed: ${r.pdf.error.message}\n`);
          process.exitCode = 3;
        }
      } finally {
        await store.close();
      }
    });
}
