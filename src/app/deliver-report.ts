/**
 * Delivers a written report to its email channels. The caller has already written the report files
 * (writeReportFiles) and builds each channel's view through renderChannel (the model filtered to the
 * channel's namespaces, and its PDF when printed); this use case only sends. It never deletes or
 * rewrites a file and never throws for a channel: one channel's failure (rendering, SMTP) is recorded
 * and the next channel is still served, so the report stays on disk and every outcome is listed.
 */
import type { EmailChannelConfig } from '../config/netpol-audit-config.js';
import type { ReportModel } from '../core/report/report-model.js';
import type { MailOutcome, OutgoingReport } from '../adapters/mail/report-mailer.js';

export interface ChannelView {
  /** The channel's report model (filtered to its namespaces; namespaceScope set). */
  readonly model: ReportModel;
  /** The channel's report.html on disk, if rendered (named in the body when there is no PDF). */
  readonly htmlPath?: string;
  /** The channel's PDF on disk, if printed. */
  readonly pdfPath?: string;
  /** A link to the published report, overriding the one derived from report.linkBaseUrl. */
  readonly link?: string;
}

/** What sends one message: ReportMailer, or a test double. */
export interface ReportSender {
  send(report: OutgoingReport): Promise<MailOutcome>;
}

export interface DeliverReportInput {
  readonly channels: readonly EmailChannelConfig[];
  readonly renderChannel: (channel: EmailChannelConfig) => Promise<ChannelView>;
  readonly sender: ReportSender;
}

export type ChannelDelivery =
  | { readonly channel: string; readonly status: 'sent'; readonly recipients: readonly string[]; readonly outcome: MailOutcome }
  | { readonly channel: string; readonly status: 'dry-run'; readonly file: string; readonly outcome: MailOutcome }
  | { readonly channel: string; readonly status: 'failed'; readonly reason: string; readonly outcome?: MailOutcome };

export interface DeliveryResult {
  readonly deliveries: readonly ChannelDelivery[];
  readonly sent: number;
  readonly dryRun: number;
  readonly failed: number;
}

/** Sends each channel in turn (one relay connection at a time), collecting every outcome. */
export async function deliverReport(input: DeliverReportInput): Promise<DeliveryResult> {
  const deliveries: ChannelDelivery[] = [];
  for (const channel of input.channels) {
    let view: ChannelView;
    try {
      view = await input.renderChannel(channel);
    } catch (err) {
      deliveries.push({ channel: channel.name, status: 'failed', reason: `cannot render the channel's report: ${err instanceof Error ? err.message : String(err)}` });
      continue;
    }
    const outcome = await input.sender.send({
      channel,
      model: view.model,
      ...(view.pdfPath !== undefined ? { pdfPath: view.pdfPath } : {}),
      ...(view.htmlPath !== undefined ? { htmlPath: view.htmlPath } : {}),
      ...(view.link !== undefined ? { link: view.link } : {}),
    });
    if (outcome.status === 'sent') deliveries.push({ channel: channel.name, status: 'sent', recipients: [...outcome.to, ...outcome.cc], outcome });
    else if (outcome.status === 'dry-run') deliveries.push({ channel: channel.name, status: 'dry-run', file: outcome.file ?? '', outcome });
    else deliveries.push({ channel: channel.name, status: 'failed', reason: outcome.error ?? 'unknown failure', outcome });
  }
  return {
    deliveries,
    sent: deliveries.filter((d) => d.status === 'sent').length,
    dryRun: deliveries.filter((d) => d.status === 'dry-run').length,
    failed: deliveries.filter((d) => d.status === 'failed').length,
  };
}
