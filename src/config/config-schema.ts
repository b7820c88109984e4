/**
 * The configuration file (netpol-audit.yaml): its zod schema, the rules that span several fields, and the
 * translation of every violation into `path.to.field: what is wrong (expected ...)`. Pure: no file or
 * environment access (load-config.ts reads the file and resolves secrets). The schema is also the source of
 * config/netpol-audit.schema.json, so it holds no transforms: defaults and checks only.
 */
import { validate as isCronExpression, validateDetailed as explainCron } from 'node-cron';
import { z } from 'zod';
import { DEFAULT_COLLECT_OPTIONS } from '../adapters/kube/cluster-target.js';
import { DEFAULT_ENGINE_SETTINGS, DEFAULT_MAX_CLASSES, DEFAULT_MAX_PAIR_CELLS } from '../core/engine/engine-settings.js';
import { DEFAULT_AUDIT_SETTINGS } from '../core/findings/audit-settings.js';
import { CHECKS } from '../core/findings/check-registry.js';
import { SEVERITIES } from '../core/findings/severity.js';
import { closest, join } from '../core/model/field-reader.js';
import { parseWorkloadKey } from '../core/model/workload.js';

export interface ConfigProblem {
  /** `email.channels[0].to`; empty for the file as a whole. */
  readonly path: string;
  /** What is wrong, then `(expected ...)`. */
  readonly message: string;
}

export const SMTP_PASSWORD_ENV = 'NETPOL_AUDIT_SMTP_PASSWORD';
export const CHECK_IDS = CHECKS.map((c) => c.id) as [string, ...string[]];
export const SUBJECT_PLACEHOLDERS = ['period', 'clusters', 'grade', 'score', 'channel'] as const;

/** Defaults that are not zod defaults because they depend on another field. */
export const SMTP_PORT_DEFAULT = { secure: 465, plain: 587 } as const;

// ---------------------------------------------------------------------------------------------------------
// Messages

type RawIssue = z.core.$ZodRawIssue;

/** A value as the message shows it. */
export function shown(v: unknown): string {
  if (v === null) return 'an empty value';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return `the date ${v.toISOString()}`;
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}...` : v);
  return String(v);
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a text value',
  boolean: 'true or false',
  object: 'a mapping of settings',
  array: 'a list',
  record: 'a mapping',
};

function didYouMean(input: unknown, candidates: readonly string[]): string {
  const hint = typeof input === 'string' ? closest(input, candidates) : undefined;
  return hint ? `, did you mean "${hint}"?` : '';
}

/** The message for one zod issue; `expected` describes what the field takes (derived from the issue if absent). */
function explain(iss: RawIssue, expected?: string): string {
  const input = iss.input;
  switch (iss.code) {
    case 'invalid_type': {
      const want = expected ?? TYPE_NAMES[iss.expected] ?? iss.expected;
      if (input === undefined) return `missing (expected ${want})`;
      if (iss.expected === 'int' && typeof input === 'number') return `${input} is not a whole number (expected ${want})`;
      return `found ${shown(input)} (expected ${want})`;
    }
    case 'too_small':
    case 'too_big': {
      const bound = Number(iss.code === 'too_small' ? iss.minimum : iss.maximum);
      const edge = iss.code === 'too_small' ? (iss.inclusive ? `at least ${bound}` : `above ${bound}`) : iss.inclusive ? `at most ${bound}` : `below ${bound}`;
      if (iss.origin === 'array') {
        const items = expected ?? (bound === 1 && iss.code === 'too_small' ? 'at least one item' : `${edge} items`);
        return Array.isArray(input) && input.length === 0 ? `the list is empty (expected ${items})` : `${Array.isArray(input) ? input.length : 'wrong number of'} items (expected ${items})`;
      }
      if (iss.origin === 'string') return `is empty (expected ${expected ?? 'a text value'})`;
      return `${shown(input)} is too ${iss.code === 'too_small' ? 'small' : 'large'} (expected ${expected ?? edge})`;
    }
    case 'invalid_value':
      return `${shown(input)} is not allowed${didYouMean(input, iss.values.map(String))} (expected ${expected ?? `one of ${iss.values.map(String).join(', ')}`})`;
    case 'invalid_format':
      return `${shown(input)} is not valid (expected ${expected ?? iss.format})`;
    case 'invalid_union':
      return `found ${shown(input)} (expected ${expected ?? 'another kind of value'})`;
    default:
      return `${shown(input)} is not valid (expected ${expected ?? 'a valid value'})`;
  }
}

const says = (expected: string) => ({ error: (iss: RawIssue) => explain(iss, expected) });

// ---------------------------------------------------------------------------------------------------------
// Value schemas

const text = (expected: string) => z.string(says(expected)).regex(/\S/);
const flag = () => z.boolean(says('true or false'));
const wholeNumber = (min: number, max?: number) => {
  const n = z.number(says(max === undefined ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`)).int().min(min);
  return max === undefined ? n : n.max(max);
};
const seconds = () => z.number(says('a number of seconds above 0')).positive();
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values, says(`one of ${values.join(', ')}`));

const checkId = z.enum(CHECK_IDS, {
  error: (iss) =>
    iss.code === 'invalid_value'
      ? `unknown check id ${shown(iss.input)}${didYouMean(iss.input, CHECK_IDS)} (expected a check id; \`netpol-audit checks\` lists them)`
      : explain(iss, 'a check id'),
});

const severity = oneOf(SEVERITIES);

// Kubernetes qualified names (label keys): an optional DNS-subdomain prefix and a name of up to 63 characters
const LABEL_NAME = '[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';
const LABEL_KEY = new RegExp(`^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?${LABEL_NAME}$`);
const labelKey = z.string(says('a label key such as team or app.kubernetes.io/name')).regex(LABEL_KEY);
const labelValue = z.string(says('a label value (quote numbers and true/false in YAML)')).regex(new RegExp(`^(${LABEL_NAME})?$`));
const namespaceName = z.string(says('a namespace name (lower-case letters, digits and -)')).regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);

const isoDate = z.string(says('a date YYYY-MM-DD')).superRefine((v, ctx) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) ctx.addIssue({ code: 'custom', input: v, message: `${shown(v)} is not a date (expected a date YYYY-MM-DD)` });
  else if (!isRealDate(v)) ctx.addIssue({ code: 'custom', input: v, message: `${shown(v)} is not a real date (expected a date YYYY-MM-DD)` });
});

export function isRealDate(v: string): boolean {
  const [y, m, d] = v.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

const cron = (defaultValue: string) =>
  z
    .string(says('a cron expression of 5 or 6 fields, such as "0 2 * * *"'))
    .superRefine((v, ctx) => {
      const problem = cronProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', input: v, message: `${shown(v)} is not a valid cron expression: ${problem} (expected 5 or 6 fields: [second] minute hour day-of-month month day-of-week)` });
    })
    .default(defaultValue);

export function cronProblem(expr: string): string | undefined {
  const fields = expr.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5 && fields.length !== 6) return `it has ${fields.length} field${fields.length === 1 ? '' : 's'}`;
  if (isCronExpression(expr)) return undefined;
  const first = explainCron(expr).errors[0];
  return first ? `${first.field === 'dayOfMonth' ? 'day of month' : first.field === 'dayOfWeek' ? 'day of week' : first.field} "${first.value ?? ''}" is out of range` : 'it is not understood';
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const timeZone = z
  .string(says('an IANA time zone such as UTC or Europe/Berlin'))
  .superRefine((v, ctx) => {
    if (!isTimeZone(v)) ctx.addIssue({ code: 'custom', input: v, message: `${shown(v)} is not a known time zone (expected an IANA time zone such as UTC or Europe/Berlin)` });
  });

// `user@example.com` or `Display Name <user@example.com>`
const ADDRESS = /^[^\s@<>"(),;:]+@[^\s@<>"(),;:]+\.[^\s@<>"(),;:]+$/;
export function isMailbox(v: string): boolean {
  const named = /^\s*(?:"[^"]*"|[^<>"]*?)\s*<([^<>]+)>\s*$/.exec(v);
  return ADDRESS.test(named ? named[1]!.trim() : v.trim());
}
const mailbox = z
  .string(says('an email address such as audit@example.com or "Name <audit@example.com>"'))
  .superRefine((v, ctx) => {
    if (!isMailbox(v)) ctx.addIssue({ code: 'custom', input: v, message: `${shown(v)} is not an email address (expected an email address such as audit@example.com or "Name <audit@example.com>")` });
  });

const subject = z
  .string(says('a subject line; {period}, {clusters}, {grade}, {score} and {channel} are replaced'))
  .regex(/\S/)
  .superRefine((v, ctx) => {
    for (const m of v.matchAll(/\{([^{}]*)\}/g)) {
      const name = m[1]!;
      if ((SUBJECT_PLACEHOLDERS as readonly string[]).includes(name)) continue;
      ctx.addIssue({ code: 'custom', input: v, message: `unknown placeholder {${name}}${didYouMean(name, SUBJECT_PLACEHOLDERS)} (expected ${SUBJECT_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})` });
    }
  });

const httpUrl = z
  .string(says('an http(s) URL'))
  .superRefine((v, ctx) => {
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(v).protocol);
    } catch {
      ok = false;
    }
    if (!ok) ctx.addIssue({ code: 'custom', input: v, message: `${shown(v)} is not an http(s) URL (expected a URL such as https://reports.example.com/netpol)` });
  });

const envName = z.string(says('the name of an environment variable')).regex(/^[A-Za-z_][A-Za-z0-9_]*$/);

// ---------------------------------------------------------------------------------------------------------
// The file

const clusterSchema = z
  .strictObject({
    name: text('the cluster name recorded in snapshots and reports').describe('Name recorded in snapshots and reports (required, unique).'),
    context: text('a kubeconfig context name').optional().describe('kubeconfig context to collect (default: the name; not with inCluster).'),
    inCluster: flag().optional().describe("Collect the cluster netpol-audit runs in, with the pod's service account (default: false)."),
    kubeconfig: text('a kubeconfig file path').optional().describe('kubeconfig file(s), colon-separated (default: $KUBECONFIG or ~/.kube/config; not with inCluster).'),
    manifests: text('a folder of manifests').optional().describe('Read this folder of manifests as the cluster (GitOps repositories, demos) instead of an API server; not with context, kubeconfig or inCluster.'),
  })
  .describe('A cluster to collect.');

const collectionSchema = z
  .strictObject({
    pageSize: wholeNumber(1).default(DEFAULT_COLLECT_OPTIONS.pageSize).describe('Items per list request (limit/continue paging).'),
    timeoutSeconds: seconds().default(DEFAULT_COLLECT_OPTIONS.timeoutMs / 1000).describe('Timeout of each API request, in seconds.'),
    retries: wholeNumber(0).default(DEFAULT_COLLECT_OPTIONS.retries).describe('Retries per API request after the first attempt (exponential backoff).'),
    concurrency: wholeNumber(1).default(DEFAULT_COLLECT_OPTIONS.concurrency).describe('Clusters collected at once.'),
  })
  .prefault({})
  .describe('How clusters are collected.');

const storeSchema = z
  .union(
    [
      text('a file path, sqlite:PATH or a postgres:// URL'),
      z
        .strictObject({
          url: text('a file path, sqlite:PATH or a postgres:// URL').optional().describe('The location written out (avoid passwords here: use urlFile or urlEnv).'),
          urlFile: text('a file path').optional().describe('File holding the location, e.g. a mounted Secret (a trailing newline is ignored).'),
          urlEnv: envName.optional().describe('Name of an environment variable holding the location.'),
        })
        .describe('Exactly one of url, urlFile, urlEnv.'),
    ],
    says('a file path, sqlite:PATH, a postgres:// URL, or a mapping with one of url, urlFile, urlEnv'),
  )
  .optional()
  .describe(
    'History store: a file path, sqlite:PATH or postgres:// URL, or { url | urlFile | urlEnv }. $NETPOL_AUDIT_STORE overrides it. Default: ${XDG_DATA_HOME:-~/.local/share}/netpol-audit/history.sqlite.',
  );

const engineSchema = z
  .strictObject({
    ipBlockPods: oneOf(['match', 'ignore']).default(DEFAULT_ENGINE_SETTINGS.ipBlockPods).describe('Whether ipBlock peers match pod IPs (Calico/upstream: match; Cilium: ignore).'),
    hostNetwork: oneOf(['pod', 'node']).default(DEFAULT_ENGINE_SETTINGS.hostNetwork).describe("hostNetwork pods: like other pods (pod), or outside pod policies, seen as their node's IP (node)."),
    ipFamilies: oneOf(['auto', 'ipv4', 'ipv6', 'dual']).default(DEFAULT_ENGINE_SETTINGS.ipFamilies).describe('Address families of external endpoints (auto: those of the pod IPs).'),
    maxClasses: wholeNumber(1).optional().describe(`Most pod classes the engine analyses before it stops with an explanation (default ${DEFAULT_MAX_CLASSES}); --max-classes wins.`),
    maxPairCells: wholeNumber(1)
      .optional()
      .describe(`Most class-pair cells the engine's allow maps and pod-to-pod reach may span before it stops with an explanation (default ${DEFAULT_MAX_PAIR_CELLS}; about 125 MB per 1,000,000,000); --max-pair-cells wins.`),
  })
  .prefault({})
  .describe('Behaviour the Kubernetes spec leaves to the network plugin; the --ipblock-pods, --host-network and --ip-families options win over it.');

const exceptionSchema = z
  .strictObject({
    check: checkId.describe('Check id the exception applies to.'),
    cluster: text('a cluster name').optional().describe('Only in this cluster.'),
    namespace: namespaceName.optional().describe('Only in this namespace.'),
    workload: text('a workload key namespace/name[Kind]').optional().describe('Only this workload, as findings show it: namespace/name[Kind].'),
    policy: text('a policy id namespace/name, anp/name or banp/default').optional().describe('Only this policy, as findings show it: namespace/name, anp/name or banp/default.'),
    scope: z.literal('cluster-wide', says('cluster-wide')).optional().describe('cluster-wide: no namespace, workload or policy narrows it (required then, so broad exceptions are deliberate).'),
    owner: text('who answers for the exception: a team or a person').describe('Who answers for the exception.'),
    reason: text('why the finding is accepted').describe('Why the finding is accepted.'),
    expires: isoDate.describe('Last day it applies, YYYY-MM-DD (inclusive, UTC).'),
  })
  .describe('Suppresses findings of one check in a scope until it expires.');

const auditSchema = z
  .strictObject({
    severities: z.partialRecord(checkId, severity).default({}).describe('Severity per check id, replacing its default (see `netpol-audit checks`).'),
    disabledChecks: z.array(checkId).default([]).describe('Check ids not run at all.'),
    requiredPodLabels: z.array(labelKey).default([]).describe('Label keys every pod must carry (pod-missing-required-labels).'),
    policyGrowth: z
      .strictObject({
        percent: z.number(says('a percentage of at least 0')).min(0).default(DEFAULT_AUDIT_SETTINGS.policyGrowth.percent).describe('Growth in percent above which policy-count-growth fires.'),
        minimumIncrease: wholeNumber(0).default(DEFAULT_AUDIT_SETTINGS.policyGrowth.minimumIncrease).describe('...and by at least this many policies.'),
      })
      .prefault({})
      .describe('When policy-count-growth fires (both must be exceeded).'),
    expiringSoonDays: wholeNumber(0).default(DEFAULT_AUDIT_SETTINGS.expiringSoonDays).describe('Exceptions expiring within this many days are listed as expiring soon.'),
    exceptions: z.array(exceptionSchema).default([]).describe('Accepted findings, each with owner, reason and expiry.'),
  })
  .prefault({})
  .describe('What the audit checks and how it rates findings.');

const reportSchema = z
  .strictObject({
    outputDir: text('a directory path').default('reports').describe('Where rendered reports are written (relative: to the working directory, or in a file to the file\'s directory).'),
    period: oneOf(['quarter', 'month']).default('quarter').describe('Length of a report period.'),
    trendPeriods: wholeNumber(4, 8).default(4).describe('Periods shown in trend charts.'),
    title: text('a title').optional().describe('Report title (default: "Network containment audit" and the period).'),
    organisation: text('an organisation name').optional().describe('Organisation named on the cover page.'),
    topWorkloads: wholeNumber(1).default(10).describe('Workloads listed in the blast-radius table.'),
    pdf: z
      .strictObject({
        enabled: flag().default(true).describe('Render a PDF besides HTML.'),
        pageSize: oneOf(['A4', 'Letter']).default('A4').describe('PDF page size.'),
        chromiumPath: text('a file path').optional().describe('Chromium/Chrome executable (default: $PUPPETEER_EXECUTABLE_PATH, else the usual install paths such as /usr/bin/chromium).'),
        timeoutSeconds: seconds().default(300).describe('Longest a PDF may take to render (a 2,000-namespace fleet report takes about a minute).'),
      })
      .prefault({})
      .describe('PDF rendering.'),
    linkBaseUrl: httpUrl.optional().describe('Where reports are published; emails link there when the PDF is too large to attach.'),
  })
  .prefault({})
  .describe('The periodic report.');

const smtpSchema = z
  .strictObject({
    host: text('the SMTP relay host name').optional().describe('SMTP relay host (required when email.enabled).'),
    port: wholeNumber(1, 65535).optional().describe(`SMTP port (default: ${SMTP_PORT_DEFAULT.secure} with secure, else ${SMTP_PORT_DEFAULT.plain}).`),
    secure: flag().default(false).describe('TLS from the first byte (usually port 465).'),
    starttls: oneOf(['required', 'opportunistic', 'never']).default('required').describe('STARTTLS on a plain connection: required (fail without it), opportunistic, or never.'),
    user: text('the SMTP user name').optional().describe('SMTP user (no authentication when absent).'),
    passwordFile: text('a file path').optional().describe(`File holding the SMTP password, e.g. a mounted Secret (a trailing newline is ignored). $${SMTP_PASSWORD_ENV} overrides it.`),
    passwordEnv: envName.optional().describe(`Name of an environment variable holding the SMTP password. $${SMTP_PASSWORD_ENV} overrides it.`),
    timeoutSeconds: seconds().default(30).describe('Connection and command timeout, in seconds.'),
    allowInvalidCertificates: flag().default(false).describe('Accept self-signed server certificates (tests, internal relays).'),
  })
  .prefault({})
  .describe('The SMTP relay. The password is never written here: passwordFile, passwordEnv or $NETPOL_AUDIT_SMTP_PASSWORD.');

const channelSchema = z
  .strictObject({
    name: text('a channel name').describe('Channel name (unique), used in logs and delivery records.'),
    to: z.array(mailbox).min(1).describe('Recipients (at least one).'),
    cc: z.array(mailbox).default([]).describe('Copy recipients.'),
    namespaces: z
      .strictObject({
        names: z.array(namespaceName).optional().describe('Namespace names (exact).'),
        labels: z.record(labelKey, labelValue).optional().describe('Namespaces whose labels match all of these.'),
      })
      .optional()
      .describe("Only these namespaces are in this channel's report (names and labels are ORed); absent: all namespaces."),
    attachPdf: flag().default(true).describe('Attach the PDF (when it fits in maxMessageBytes; otherwise a link or the summary).'),
    subject: subject.optional().describe('Subject line; {period}, {clusters}, {grade}, {score} and {channel} are replaced (default: "Network containment report {period}: grade {grade} ({score})").'),
  })
  .describe('A set of recipients and the part of the report they get.');

const emailSchema = z
  .strictObject({
    enabled: flag().default(false).describe('Send reports by email (needs smtp.host, from and a channel).'),
    from: mailbox.optional().describe('Sender address (required when enabled).'),
    smtp: smtpSchema,
    maxMessageBytes: wholeNumber(1024).default(10_000_000).describe('Largest message (attachments base64-encoded); beyond it the PDF is replaced by a link or the summary.'),
    retries: wholeNumber(0).default(3).describe('Retries per message after the first attempt on temporary failures.'),
    channels: z.array(channelSchema).default([]).describe('Who gets which report.'),
  })
  .prefault({})
  .describe('Email delivery of reports.');

const scheduleSchema = z
  .strictObject({
    timezone: timeZone.default('UTC').describe('IANA time zone of the cron expressions.'),
    snapshot: cron('0 2 * * *').describe('When to take snapshots (cron, 5 or 6 fields).'),
    report: cron('0 6 * * *').describe('When to check whether a period closed and its report is due (cron, 5 or 6 fields).'),
    catchUp: flag().default(true).describe('Produce a missed report at start-up.'),
  })
  .prefault({})
  .describe('When the daemon (and the CronJob schedule it documents) runs.');

const loggingSchema = z
  .strictObject({
    format: oneOf(['auto', 'json', 'text']).default('auto').describe('auto: text on a terminal, JSON otherwise.'),
    level: oneOf(['debug', 'info', 'warn', 'error']).default('info').describe('Lowest level logged.'),
  })
  .prefault({})
  .describe('Log output.');

export const configFileSchema = z
  .strictObject({
    clusters: z.array(clusterSchema).default([]).describe('Clusters to collect (default: none; the command line decides, e.g. the current kubeconfig context).'),
    collection: collectionSchema,
    store: storeSchema,
    engine: engineSchema,
    audit: auditSchema,
    report: reportSchema,
    email: emailSchema,
    schedule: scheduleSchema,
    logging: loggingSchema,
  })
  .describe('netpol-audit configuration (docs/configuration.md).');

/** The file as written. */
export type ConfigFileInput = z.input<typeof configFileSchema>;
/** The file with its defaults applied (secrets not yet resolved). */
export type ConfigFile = z.output<typeof configFileSchema>;

// ---------------------------------------------------------------------------------------------------------
// Validation

export type ConfigValidation = { readonly ok: true; readonly file: ConfigFile } | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out = join(out, typeof p === 'number' ? p : String(p));
  return out;
}

/**
 * Validates a parsed YAML document: the schema, then the rules that span fields. Both always run, so one pass
 * reports every problem. Dates (from a YAML 1.1 parser) are accepted where a YYYY-MM-DD date is expected.
 */
export function validateConfigDocument(document: unknown): ConfigValidation {
  const raw = datesAsText(document === null || document === undefined ? {} : document);
  const known = new Map<string, readonly string[]>();
  const parsed = configFileSchema.safeParse(raw, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') known.set(formatPath(iss.path ?? []), knownKeys(iss.inst));
      return explain(iss);
    },
  });
  const problems: ConfigProblem[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = formatPath(issue.path);
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) problems.push(unknownKey(path, key, known.get(path) ?? []));
      } else problems.push({ path, message: issue.message });
    }
  }
  problems.push(...crossFieldProblems(raw));
  return parsed.success && problems.length === 0 ? { ok: true, file: parsed.data } : { ok: false, problems: inSectionOrder(problems) };
}

/** Problems grouped by top-level section in the order of the schema (a stable sort keeps each group's order). */
export function inSectionOrder(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const sections = Object.keys(configFileSchema.shape);
  const rank = (p: ConfigProblem) => {
    const i = sections.indexOf(p.path.split(/[.[]/, 1)[0]!);
    return i === -1 ? sections.length : i;
  };
  return [...problems].sort((a, b) => rank(a) - rank(b));
}

function knownKeys(inst: unknown): readonly string[] {
  if (inst instanceof z.ZodObject) return Object.keys(inst.shape);
  if (inst instanceof z.ZodRecord && inst.keyType instanceof z.ZodEnum) return inst.keyType.options.map(String);
  return [];
}

function unknownKey(path: string, key: string, known: readonly string[]): ConfigProblem {
  const at = join(path, key);
  if (path === 'email.smtp' && key === 'password') {
    return {
      path: at,
      message: `a password is never written in the configuration file (expected passwordFile: the path of a mounted Secret, or passwordEnv: the name of an environment variable; or set $${SMTP_PASSWORD_ENV})`,
    };
  }
  if (path === 'audit.severities') return { path: at, message: `unknown check id${didYouMean(key, known)} (expected a check id; \`netpol-audit checks\` lists them)` };
  return { path: at, message: `unknown field${didYouMean(key, known)} (expected one of ${known.join(', ')})` };
}

/** A YAML 1.1 timestamp becomes the YYYY-MM-DD (or ISO) text the schema expects. */
function datesAsText(v: unknown): unknown {
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return String(v);
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (Array.isArray(v)) return v.map(datesAsText);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, datesAsText(x)]));
  return v;
}

// ---------------------------------------------------------------------------------------------------------
// Rules that span fields. They read the raw document defensively (a field of the wrong type is the schema's
// problem, reported once there), so they run even when the schema found problems elsewhere.

type Raw = Record<string, unknown>;
const mapping = (v: unknown): Raw | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const given = (o: Raw | undefined, key: string): boolean => o !== undefined && o[key] !== undefined && o[key] !== null;

function crossFieldProblems(raw: unknown): ConfigProblem[] {
  const root = mapping(raw);
  if (!root) return [];
  return [...storeProblems(root), ...clusterProblems(root), ...exceptionProblems(root), ...emailProblems(root)];
}

function storeProblems(root: Raw): ConfigProblem[] {
  const store = mapping(root['store']);
  if (!store) return [];
  const set = ['url', 'urlFile', 'urlEnv'].filter((k) => given(store, k));
  if (set.length === 1) return [];
  return [
    {
      path: 'store',
      message: set.length === 0 ? 'no location given (expected one of url, urlFile or urlEnv)' : `${set.join(', ')} are given together (expected exactly one of url, urlFile or urlEnv)`,
    },
  ];
}

function clusterProblems(root: Raw): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, number>();
  let inCluster: number | undefined;
  list(root['clusters']).forEach((c, i) => {
    const cluster = mapping(c);
    if (!cluster) return;
    const at = `clusters[${i}]`;
    const name = cluster['name'];
    if (typeof name === 'string') {
      const first = seen.get(name);
      if (first !== undefined) problems.push({ path: `${at}.name`, message: `"${name}" is already the name of clusters[${first}] (expected unique cluster names)` });
      else seen.set(name, i);
    }
    if (given(cluster, 'manifests')) {
      for (const k of ['context', 'kubeconfig', 'inCluster']) {
        if (given(cluster, k)) problems.push({ path: `${at}.${k}`, message: `not used with manifests (expected either a manifest folder or a live cluster)` });
      }
    }
    if (cluster['inCluster'] === true) {
      for (const k of ['context', 'kubeconfig']) {
        if (given(cluster, k)) problems.push({ path: `${at}.${k}`, message: `not used with inCluster: true (expected either inCluster or a kubeconfig ${k === 'context' ? 'context' : 'file'})` });
      }
      if (inCluster !== undefined) problems.push({ path: `${at}.inCluster`, message: `clusters[${inCluster}] is already the cluster netpol-audit runs in (expected at most one inCluster: true)` });
      else inCluster = i;
    }
  });
  return problems;
}

function exceptionProblems(root: Raw): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const clusterNames = list(root['clusters'])
    .map((c) => mapping(c)?.['name'])
    .filter((n): n is string => typeof n === 'string');
  list(mapping(root['audit'])?.['exceptions']).forEach((e, i) => {
    const ex = mapping(e);
    if (!ex) return;
    const at = `audit.exceptions[${i}]`;
    const narrowing = ['namespace', 'workload', 'policy'].filter((k) => given(ex, k));
    if (ex['scope'] === 'cluster-wide') {
      for (const k of narrowing) problems.push({ path: `${at}.${k}`, message: `contradicts scope: cluster-wide (expected either scope: cluster-wide or a narrower scope)` });
    } else if (!given(ex, 'scope') && narrowing.length === 0) {
      problems.push({
        path: at,
        message: 'no scope given (expected at least one of namespace, workload, policy; or scope: cluster-wide to cover every finding of the check' + (given(ex, 'cluster') ? ' in the cluster)' : ')'),
      });
    }
    const workload = ex['workload'];
    if (typeof workload === 'string' && /\S/.test(workload)) {
      const ref = parseWorkloadKey(workload);
      if (!ref) problems.push({ path: `${at}.workload`, message: `${shown(workload)} is not a workload key (expected namespace/name[Kind], as findings show it, e.g. shop/web[Deployment])` });
      else if (typeof ex['namespace'] === 'string' && ex['namespace'] !== ref.namespace) {
        problems.push({ path: `${at}.namespace`, message: `"${ex['namespace']}" differs from the workload's namespace "${ref.namespace}" (expected the same namespace, or no namespace)` });
      }
    }
    const policy = ex['policy'];
    if (typeof policy === 'string' && /\S/.test(policy) && !/^[^/\s]+\/[^/\s]+$/.test(policy)) {
      problems.push({ path: `${at}.policy`, message: `${shown(policy)} is not a policy id (expected namespace/name, anp/name or banp/default, as findings show it)` });
    }
    const cluster = ex['cluster'];
    if (typeof cluster === 'string' && clusterNames.length > 0 && !clusterNames.includes(cluster)) {
      problems.push({ path: `${at}.cluster`, message: `"${cluster}" is not a configured cluster${didYouMean(cluster, clusterNames)} (expected one of ${clusterNames.join(', ')})` });
    }
  });
  return problems;
}

function emailProblems(root: Raw): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const email = mapping(root['email']);
  if (!email) return problems;
  const smtp = mapping(email['smtp']);
  if (given(smtp, 'passwordFile') && given(smtp, 'passwordEnv')) {
    problems.push({ path: 'email.smtp.passwordEnv', message: 'given together with passwordFile (expected one of passwordFile or passwordEnv)' });
  }
  if ((given(smtp, 'passwordFile') || given(smtp, 'passwordEnv')) && !given(smtp, 'user')) {
    problems.push({ path: 'email.smtp.user', message: `missing, but a password is given (expected the SMTP user name the password belongs to)` });
  }
  const seen = new Map<string, number>();
  list(email['channels']).forEach((c, i) => {
    const name = mapping(c)?.['name'];
    if (typeof name !== 'string') return;
    const first = seen.get(name);
    if (first !== undefined) problems.push({ path: `email.channels[${i}].name`, message: `"${name}" is already the name of email.channels[${first}] (expected unique channel names)` });
    else seen.set(name, i);
    const namespaces = mapping(mapping(c)?.['namespaces']);
    if (namespaces && !given(namespaces, 'names') && !given(namespaces, 'labels')) {
      problems.push({ path: `email.channels[${i}].namespaces`, message: 'selects nothing (expected names, labels, or no namespaces entry for all namespaces)' });
    }
  });
  if (email['enabled'] === true) {
    const why = '; required when email.enabled is true';
    if (!given(smtp, 'host')) problems.push({ path: 'email.smtp.host', message: `missing${why} (expected the SMTP relay host name)` });
    if (!given(email, 'from')) problems.push({ path: 'email.from', message: `missing${why} (expected the sender address, e.g. netpol-audit@example.com)` });
    if (email['channels'] === undefined || (Array.isArray(email['channels']) && email['channels'].length === 0)) {
      problems.push({ path: 'email.channels', message: `no channel${why} (expected at least one channel with a name and recipients in to)` });
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// JSON Schema (config/netpol-audit.schema.json, `netpol-audit config schema`)

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configFileSchema, { io: 'input', target: 'draft-7', unrepresentable: 'throw' }) as Record<string, unknown>;
  return { $schema: schema['$schema'], title: 'netpol-audit configuration', ...schema };
}

export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
