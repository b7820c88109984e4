/**
 * Use case: produce one period's report — load the history, build the model, write report.html, the PDF
 * and the CSV/JSON exports, then deliver it to the email channels (each channel sees only its
 * namespaces). Files are written before anything is sent, so a failing printer or mailer never loses
 * what was already rendered.
 */
import { join } from 'node:path';
import type { Logger } from '../../adapters/log/logger.js';
import type { HistoryStore } from '../../adapters/store/history-store.js';
import type { PdfOutcome, WrittenFile } from '../../adapters/render/report-files.js';
import { auditSettingsFrom, engineSettingsFromConfig } from '../../config/config-mapping.js';
import type { EmailChannelConfig, NetpolAuditConfig } from '../../config/netpol-audit-config.js';
import { buildReportModel, type ClusterPeriodData, type ReportOptions } from '../../core/report/build-report-model.js';
import { previousPeriod, trailingPeriods } from '../../core/report/report-period.js';
import type { ReportModel, ReportPeriod } from '../../core/report/report-model.js';
import type { WorkloadConnectivity } from '../../core/engine/workload-connectivity.js';
import { VERSION } from '../../version.js';
import type { DeliveryResult } from '../deliver-report.js';
import { loadReportData } from './load-report-data.js';

export interface ProduceReportInput {
  readonly store: HistoryStore;
  readonly config: NetpolAuditConfig;
  readonly period: ReportPeriod;
  readonly clusters: readonly string[];
  /** Output folder (default: report.outputDir/<period>). */
  readonly outputDir?: string;
  readonly pdf: boolean;
  readonly email: 'off' | 'send' | 'dry-run';
  readonly now: Date;
  readonly log: Logger;
  readonly env?: NodeJS.ProcessEnv;
  readonly signOff?: ReportOptions['signOff'];
}

export interface ProduceReportResult {
  readonly outputDir: string;
  readonly model: ReportModel;
  readonly files: readonly WrittenFile[];
  readonly pdf: PdfOutcome;
  readonly deliveries?: DeliveryResult;
  /** rendered: files written, nothing to send; delivered: every channel sent (or written in dry-run). */
  readonly status: 'rendered' | 'delivered' | 'delivery-failed';
  readonly detail?: string;
}

const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');

export async function produceReport(input: ProduceReportInput): Promise<ProduceReportResult> {
  const { config, period, log } = input;
  const today = input.now.toISOString().slice(0, 10);
  const audit = auditSettingsFrom(config);
  const data: ClusterPeriodData[] = await loadReportData(input.store, {
    clusters: input.clusters,
    period,
    trendPeriods: trailingPeriods(period, config.report.trendPeriods),
    engine: engineSettingsFromConfig(config),
    audit,
    today,
    onProgress: (m) => log.debug(m),
  });
  const baseOptions: ReportOptions = {
    ...(config.report.title ? { title: config.report.title } : {}),
    ...(config.report.organisation ? { organisation: config.report.organisation } : {}),
    period,
    previousPeriod: previousPeriod(period),
    generatedAt: input.now.toISOString(),
    generator: `netpol-audit ${VERSION}`,
    settings: audit,
    today,
    topWorkloads: config.report.topWorkloads,
    ...(input.signOff ? { signOff: input.signOff } : {}),
  };
  const model = buildReportModel(data, baseOptions);
  const connectivity = new Map<string, WorkloadConnectivity>();
  for (const c of data) if (c.current?.connectivity) connectivity.set(c.cluster, c.current.connectivity);
  const outputDir = input.outputDir ?? join(config.report.outputDir, safeName(period.label));

  // rendering adapters load handlebars, puppeteer and nodemailer: only when a report is produced
  const { writeReportFiles } = await import('../../adapters/render/report-files.js');
  const printer = input.pdf
    ? new (await import('../../adapters/render/pdf-printer.js')).PdfPrinter({
        ...(config.report.pdf.chromiumPath ? { configuredPath: config.report.pdf.chromiumPath } : {}),
        timeoutSeconds: config.report.pdf.timeoutSeconds,
        env: input.env ?? process.env,
      })
    : undefined;
  try {
    log.info('writing report files', { period: period.label, outputDir });
    const written = await writeReportFiles({
      outputDir,
      model,
      connectivity,
      ...(printer ? { pdf: { printer, pageSize: config.report.pdf.pageSize } } : {}),
    });
    if (written.pdf.status === 'failed') log.error('PDF not printed; the HTML report and exports are written', { reason: written.pdf.error.message });
    const files = [...written.files];
    if (input.email === 'off' || !config.email.channels.length) {
      return { outputDir, model, files, pdf: written.pdf, status: 'rendered', ...(written.pdf.status === 'failed' ? { detail: `PDF failed: ${written.pdf.error.message}` } : {}) };
    }
    const { deliverReport } = await import('../deliver-report.js');
    const { ReportMailer } = await import('../../adapters/mail/report-mailer.js');
    const { channelSeesNamespace, describeNamespaceFilter } = await import('../../adapters/mail/channel-filter.js');
    const mailer = new ReportMailer({
      email: config.email,
      ...(config.report.linkBaseUrl ? { linkBaseUrl: config.report.linkBaseUrl } : {}),
      outputDir,
      dryRun: input.email === 'dry-run',
      log: (e) => log[e.level](e.message, { channel: e.channel }),
    });
    const renderChannel = async (channel: EmailChannelConfig) => {
      if (!channel.namespaces) {
        return { model, htmlPath: written.htmlPath, ...(written.pdf.status === 'written' ? { pdfPath: written.pdf.path } : {}) };
      }
      const filter = channel.namespaces;
      const scoped = buildReportModel(data, {
        ...baseOptions,
        scope: { matches: (ns, labels) => channelSeesNamespace(filter, { name: ns, labels }), description: describeNamespaceFilter(filter) ?? 'selected namespaces' },
      });
      const dir = join(outputDir, 'channels', safeName(channel.name));
      const w = await writeReportFiles({ outputDir: dir, model: scoped, ...(printer ? { pdf: { printer, pageSize: config.report.pdf.pageSize } } : {}) });
      files.push(...w.files);
      return { model: scoped, htmlPath: w.htmlPath, ...(w.pdf.status === 'written' ? { pdfPath: w.pdf.path } : {}) };
    };
    const deliveries = await deliverReport({ channels: config.email.channels, renderChannel, sender: mailer });
    const failed = deliveries.deliveries.filter((d) => d.status === 'failed');
    return {
      outputDir,
      model,
      files,
      pdf: written.pdf,
      deliveries,
      status: failed.length ? 'delivery-failed' : 'delivered',
      ...(failed.length ? { detail: failed.map((d) => `${d.channel}: ${d.status === 'failed' ? d.reason : ''}`).join('; ') } : {}),
    };
  } finally {
    await printer?.close();
  }
}
