/**
 * The normalised configuration: what the YAML file (validated by config-schema.ts) becomes after defaults
 * are applied and secrets are resolved. Every part of the product reads this shape, never the raw file.
 */
import type { Severity } from '../core/findings/severity.js';
import type { ExceptionRule } from '../core/findings/audit-settings.js';

export interface ClusterConfig {
  /** Name recorded in snapshots and reports. */
  readonly name: string;
  /** kubeconfig context (default: the name). */
  readonly context?: string;
  /** Use the pod's service account instead of a kubeconfig. */
  readonly inCluster?: boolean;
  readonly kubeconfig?: string;
  /** A folder of manifests read as this cluster's state (GitOps repositories, demos), instead of a live API. */
  readonly manifests?: string;
}

export interface CollectionConfig {
  readonly pageSize: number;
  readonly timeoutSeconds: number;
  readonly retries: number;
  readonly concurrency: number;
}

export interface EngineConfig {
  readonly ipBlockPods: 'match' | 'ignore';
  readonly hostNetwork: 'pod' | 'node';
  readonly ipFamilies: 'auto' | 'ipv4' | 'ipv6' | 'dual';
  readonly maxClasses?: number;
  readonly maxPairCells?: number;
}

export interface AuditConfig {
  readonly severities: Readonly<Record<string, Severity>>;
  readonly disabledChecks: readonly string[];
  readonly requiredPodLabels: readonly string[];
  readonly policyGrowth: { readonly percent: number; readonly minimumIncrease: number };
  readonly expiringSoonDays: number;
  readonly exceptions: readonly ExceptionRule[];
}

export interface ReportConfig {
  readonly outputDir: string;
  /** Length of a report period. */
  readonly period: 'quarter' | 'month';
  /** Periods shown in trend charts (4-8). */
  readonly trendPeriods: number;
  readonly title?: string;
  readonly organisation?: string;
  /** Workloads listed in the blast-radius table. */
  readonly topWorkloads: number;
  readonly pdf: { readonly enabled: boolean; readonly pageSize: 'A4' | 'Letter'; readonly chromiumPath?: string; readonly timeoutSeconds: number };
  /** Where rendered reports are published, for a link when the PDF is too large to attach. */
  readonly linkBaseUrl?: string;
}

export interface NamespaceFilter {
  /** Namespace names (exact). */
  readonly names?: readonly string[];
  /** Namespaces whose labels match all of these. */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface EmailChannelConfig {
  readonly name: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  /** Only these namespaces are in this channel's report; absent = all. Names and labels are ORed. */
  readonly namespaces?: NamespaceFilter;
  readonly attachPdf: boolean;
  /** Subject line; `{period}`, `{clusters}`, `{grade}`, `{score}` and `{channel}` are replaced. */
  readonly subject?: string;
}

export interface SmtpConfig {
  readonly host: string;
  readonly port: number;
  /** TLS from the first byte (usually port 465). */
  readonly secure: boolean;
  /** STARTTLS on a plain connection: required (fail without it), opportunistic, or never. */
  readonly starttls: 'required' | 'opportunistic' | 'never';
  readonly user?: string;
  /** Resolved from passwordFile / passwordEnv / NETPOL_AUDIT_SMTP_PASSWORD; never logged. */
  readonly password?: string;
  readonly timeoutSeconds: number;
  /** Accept self-signed server certificates (tests, internal relays). */
  readonly allowInvalidCertificates: boolean;
}

export interface EmailConfig {
  readonly enabled: boolean;
  readonly from: string;
  readonly smtp?: SmtpConfig;
  /** Largest message (attachments base64-encoded) to send; beyond it the PDF is replaced by a link or the summary. */
  readonly maxMessageBytes: number;
  readonly retries: number;
  readonly channels: readonly EmailChannelConfig[];
}

export interface ScheduleConfig {
  /** IANA time zone for the cron expressions. */
  readonly timezone: string;
  /** Cron expression for snapshots (5 or 6 fields). */
  readonly snapshot: string;
  /** Cron expression for checking whether a period closed and its report is due. */
  readonly report: string;
  /** Produce a missed report at start-up. */
  readonly catchUp: boolean;
}

export interface LoggingConfig {
  /** auto: text on a TTY, JSON otherwise. */
  readonly format: 'auto' | 'json' | 'text';
  readonly level: 'debug' | 'info' | 'warn' | 'error';
}

export interface NetpolAuditConfig {
  /** File it was read from, if any. */
  readonly source?: string;
  readonly clusters: readonly ClusterConfig[];
  readonly collection: CollectionConfig;
  /** Store location (file path, sqlite:PATH or postgres:// URL), secrets resolved. Undefined: the default path. */
  readonly store?: string;
  readonly engine: EngineConfig;
  readonly audit: AuditConfig;
  readonly report: ReportConfig;
  readonly email: EmailConfig;
  readonly schedule: ScheduleConfig;
  readonly logging: LoggingConfig;
}
