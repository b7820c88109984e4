/**
 * Loads the configuration: finds the file (--config, $NETPOL_AUDIT_CONFIG, ./netpol-audit.yaml, or none),
 * parses the YAML, validates it, reads the secrets it points at, applies the environment overrides and returns
 * the normalised config. The only I/O of src/config. Every problem is collected before anything is thrown, so
 * one run shows them all.
 */
import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { parseStoreLocation, STORE_ENV } from '../adapters/store/store-location.js';
import type { ExceptionRule } from '../core/findings/audit-settings.js';
import type { Severity } from '../core/findings/severity.js';
import { UserError } from '../core/model/user-error.js';
import { inSectionOrder, SMTP_PASSWORD_ENV, SMTP_PORT_DEFAULT, validateConfigDocument, type ConfigFile, type ConfigProblem } from './config-schema.js';
import type { ClusterConfig, EmailChannelConfig, NetpolAuditConfig, SmtpConfig } from './netpol-audit-config.js';

export const CONFIG_ENV = 'NETPOL_AUDIT_CONFIG';
export const DEFAULT_CONFIG_FILE = 'netpol-audit.yaml';

export interface LoadConfigOptions {
  /** The --config option. */
  readonly path?: string;
  readonly env: NodeJS.ProcessEnv;
  /** Fail when no file is found, instead of using the built-in defaults. */
  readonly required?: boolean;
  /** Where relative --config paths and ./netpol-audit.yaml are looked up (default: the working directory). */
  readonly cwd?: string;
}

/** A configuration that cannot be used: every problem, one per line, each `path: what is wrong (expected ...)`. */
export class ConfigError extends UserError {
  constructor(
    readonly source: string | undefined,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      `configuration ${source ?? '(built-in defaults and environment)'} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems
        .map((p) => `  ${p.path ? `${p.path}: ` : ''}${p.message}`)
        .join('\n')}`,
      'fix them and run `netpol-audit config check`; every option is described in docs/configuration.md',
    );
    this.name = 'ConfigError';
  }
}

export async function loadConfig(options: LoadConfigOptions): Promise<NetpolAuditConfig> {
  const cwd = options.cwd ?? process.cwd();
  const source = await findConfigFile(options, cwd);
  let document: unknown = {};
  if (source) document = parseYaml(source, await readConfigFile(source));
  const validation = validateConfigDocument(document);
  const baseDir = source ? dirname(source.path) : cwd;
  const secrets = await resolveSecrets(document, options.env, baseDir);
  const problems = [...(validation.ok ? [] : validation.problems), ...secrets.problems];
  if (!validation.ok || problems.length) throw new ConfigError(source?.path, inSectionOrder(problems));
  return normalise(validation.file, document, secrets, source?.path, baseDir);
}

// ---------------------------------------------------------------------------------------------------------
// The file

interface ConfigSource {
  readonly path: string;
  /** What named it, for messages: --config, $NETPOL_AUDIT_CONFIG, or the default file name. */
  readonly origin: string;
}

async function findConfigFile(options: LoadConfigOptions, cwd: string): Promise<ConfigSource | undefined> {
  if (options.path !== undefined) return { path: resolve(cwd, options.path), origin: '--config' };
  const fromEnv = options.env[CONFIG_ENV];
  if (fromEnv) return { path: resolve(cwd, fromEnv), origin: `$${CONFIG_ENV}` };
  const local = resolve(cwd, DEFAULT_CONFIG_FILE);
  if (await exists(local)) return { path: local, origin: `./${DEFAULT_CONFIG_FILE}` };
  if (options.required) {
    throw new UserError('no configuration file found', `pass --config FILE, set $${CONFIG_ENV}, or create ./${DEFAULT_CONFIG_FILE} (config/netpol-audit.example.yaml shows every option)`);
  }
  return undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

async function readConfigFile(source: ConfigSource): Promise<string> {
  try {
    return await readFile(source.path, 'utf8');
  } catch (e) {
    throw new ConfigError(source.path, [{ path: source.origin, message: `cannot read "${source.path}": ${readFailure(e)} (expected a readable YAML file)` }]);
  }
}

function readFailure(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return (e as Error)?.message ?? String(e);
}

function parseYaml(source: ConfigSource, text: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ConfigError(
      source.path,
      doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        return { path: `line ${line}, column ${col}`, message: `YAML syntax error: ${e.message.split('\n', 1)[0]!.replace(/ at line \d+, column \d+:?$/, '')}` };
      }),
    );
  }
  return doc.toJS();
}

// ---------------------------------------------------------------------------------------------------------
// Secrets and environment overrides (read from the raw document, so they are checked even when other fields
// have problems; a field of the wrong type is left to the schema)

interface Secrets {
  readonly store?: string;
  readonly password?: string;
  readonly problems: readonly ConfigProblem[];
}

type Raw = Record<string, unknown>;
const mapping = (v: unknown): Raw | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : undefined);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && /\S/.test(v);

async function resolveSecrets(document: unknown, env: NodeJS.ProcessEnv, baseDir: string): Promise<Secrets> {
  const problems: ConfigProblem[] = [];
  const root = mapping(document) ?? {};
  const store = await resolveStore(root['store'], env, baseDir, problems);
  const password = await resolveSmtpPassword(mapping(root['email']), env, baseDir, problems);
  return { ...(store !== undefined ? { store } : {}), ...(password !== undefined ? { password } : {}), problems };
}

/** The store location, checked; a relative SQLite path in the file is relative to the file's directory. */
async function resolveStore(value: unknown, env: NodeJS.ProcessEnv, baseDir: string, problems: ConfigProblem[]): Promise<string | undefined> {
  const override = env[STORE_ENV];
  if (override) return checkedStore(override, `$${STORE_ENV}`, env, problems);
  if (nonEmpty(value)) return checkedStore(anchorStore(value, baseDir), 'store', env, problems);
  const store = mapping(value);
  if (!store) return undefined;
  if (nonEmpty(store['url'])) return checkedStore(anchorStore(store['url'], baseDir), 'store.url', env, problems);
  if (nonEmpty(store['urlFile'])) {
    const text = await readSecretFile(store['urlFile'], 'store.urlFile', 'the store location', baseDir, problems);
    return text === undefined ? undefined : checkedStore(anchorStore(text.trim(), baseDir), 'store.urlFile', env, problems);
  }
  if (nonEmpty(store['urlEnv'])) {
    const text = secretEnv(store['urlEnv'], 'store.urlEnv', 'the store location', env, problems);
    return text === undefined ? undefined : checkedStore(text.trim(), 'store.urlEnv', env, problems);
  }
  return undefined;
}

function checkedStore(value: string, origin: string, env: NodeJS.ProcessEnv, problems: ConfigProblem[]): string | undefined {
  try {
    const location = parseStoreLocation(value, origin, env);
    return location.kind === 'postgres' ? location.url : location.path;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    // parseStoreLocation's messages start with the origin and never hold a password
    const message = e.message.startsWith(`${origin}: `) ? e.message.slice(origin.length + 2) : e.message;
    problems.push({ path: origin, message: `${message}${e.hint ? ` (${e.hint})` : ''}` });
    return undefined;
  }
}

function anchorStore(value: string, baseDir: string): string {
  const text = value.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return text;
  const sqlite = /^sqlite:/i.test(text);
  const path = sqlite ? text.slice('sqlite:'.length) : text;
  if (path.trim() === '' || path.startsWith('~') || isAbsolute(path)) return text;
  return `${sqlite ? 'sqlite:' : ''}${resolve(baseDir, path)}`;
}

async function resolveSmtpPassword(email: Raw | undefined, env: NodeJS.ProcessEnv, baseDir: string, problems: ConfigProblem[]): Promise<string | undefined> {
  const override = env[SMTP_PASSWORD_ENV];
  if (override) return override;
  const smtp = mapping(email?.['smtp']);
  if (!smtp) return undefined;
  if (nonEmpty(smtp['passwordFile'])) {
    const text = await readSecretFile(smtp['passwordFile'], 'email.smtp.passwordFile', 'the SMTP password', baseDir, problems);
    // a Secret created from a file often ends in a newline that is not part of the password
    return text?.replace(/\r?\n$/, '');
  }
  if (nonEmpty(smtp['passwordEnv'])) return secretEnv(smtp['passwordEnv'], 'email.smtp.passwordEnv', 'the SMTP password', env, problems);
  if (email?.['enabled'] === true && nonEmpty(smtp['user'])) {
    problems.push({
      path: 'email.smtp',
      message: `user is given but no password is supplied (expected passwordFile, passwordEnv, or $${SMTP_PASSWORD_ENV} in the environment)`,
    });
  }
  return undefined;
}

async function readSecretFile(file: string, field: string, holds: string, baseDir: string, problems: ConfigProblem[]): Promise<string | undefined> {
  const path = resolve(baseDir, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    problems.push({ path: field, message: `cannot read "${path}": ${readFailure(e)} (expected a readable file holding ${holds}, e.g. a mounted Secret)` });
    return undefined;
  }
  if (text.trim() === '') {
    problems.push({ path: field, message: `"${path}" is empty (expected a file holding ${holds})` });
    return undefined;
  }
  return text;
}

function secretEnv(name: string, field: string, holds: string, env: NodeJS.ProcessEnv, problems: ConfigProblem[]): string | undefined {
  const value = env[name];
  if (value) return value;
  problems.push({ path: field, message: `$${name} is ${value === undefined ? 'not set' : 'empty'} (expected the environment variable ${name} to hold ${holds})` });
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Normalisation

/** Whether the file itself set a field (defaults stay relative to the working directory, written paths to the file). */
function written(document: unknown, path: readonly string[]): boolean {
  let v: unknown = document;
  for (const key of path) v = mapping(v)?.[key];
  return v !== undefined && v !== null;
}

function anchorPath(path: string, baseDir: string): string {
  return path.startsWith('~') ? path : resolve(baseDir, path);
}

function normalise(file: ConfigFile, document: unknown, secrets: Secrets, source: string | undefined, baseDir: string): NetpolAuditConfig {
  const clusters = file.clusters.map((c): ClusterConfig => ({
    name: c.name,
    ...(c.inCluster ? { inCluster: true } : { context: c.context ?? c.name }),
    ...(c.kubeconfig !== undefined ? { kubeconfig: c.kubeconfig.split(':').map((p) => (p ? anchorPath(p, baseDir) : p)).join(':') } : {}),
    ...(c.manifests !== undefined ? { manifests: anchorPath(c.manifests, baseDir) } : {}),
  }));
  const exceptions = file.audit.exceptions.map(
    (e): ExceptionRule => ({
      check: e.check,
      ...(e.cluster !== undefined ? { cluster: e.cluster } : {}),
      ...(e.namespace !== undefined ? { namespace: e.namespace } : {}),
      ...(e.workload !== undefined ? { workload: e.workload } : {}),
      ...(e.policy !== undefined ? { policy: e.policy } : {}),
      owner: e.owner,
      reason: e.reason,
      expires: e.expires,
    }),
  );
  const s = file.email.smtp;
  const smtp: SmtpConfig | undefined =
    s.host === undefined
      ? undefined
      : {
          host: s.host,
          port: s.port ?? (s.secure ? SMTP_PORT_DEFAULT.secure : SMTP_PORT_DEFAULT.plain),
          secure: s.secure,
          starttls: s.starttls,
          ...(s.user !== undefined ? { user: s.user } : {}),
          ...(secrets.password !== undefined ? { password: secrets.password } : {}),
          timeoutSeconds: s.timeoutSeconds,
          allowInvalidCertificates: s.allowInvalidCertificates,
        };
  const channels = file.email.channels.map(
    (c): EmailChannelConfig => ({
      name: c.name,
      to: c.to,
      cc: c.cc,
      ...(c.namespaces !== undefined
        ? { namespaces: { ...(c.namespaces.names !== undefined ? { names: c.namespaces.names } : {}), ...(c.namespaces.labels !== undefined ? { labels: c.namespaces.labels } : {}) } }
        : {}),
      attachPdf: c.attachPdf,
      ...(c.subject !== undefined ? { subject: c.subject } : {}),
    }),
  );
  const { pdf } = file.report;
  const chromiumPath = pdf.chromiumPath;
  return {
    ...(source !== undefined ? { source } : {}),
    clusters,
    collection: { ...file.collection },
    ...(secrets.store !== undefined ? { store: secrets.store } : {}),
    engine: { ...file.engine },
    audit: {
      severities: Object.fromEntries(Object.entries(file.audit.severities).filter((e): e is [string, Severity] => e[1] !== undefined)),
      disabledChecks: file.audit.disabledChecks,
      requiredPodLabels: file.audit.requiredPodLabels,
      policyGrowth: { ...file.audit.policyGrowth },
      expiringSoonDays: file.audit.expiringSoonDays,
      exceptions,
    },
    report: {
      outputDir: written(document, ['report', 'outputDir']) ? anchorPath(file.report.outputDir, baseDir) : file.report.outputDir,
      period: file.report.period,
      trendPeriods: file.report.trendPeriods,
      ...(file.report.title !== undefined ? { title: file.report.title } : {}),
      ...(file.report.organisation !== undefined ? { organisation: file.report.organisation } : {}),
      topWorkloads: file.report.topWorkloads,
      pdf: {
        enabled: pdf.enabled,
        pageSize: pdf.pageSize,
        // a bare command name is looked up on the PATH; a path is relative to the file
        ...(chromiumPath !== undefined ? { chromiumPath: chromiumPath.includes('/') ? anchorPath(chromiumPath, baseDir) : chromiumPath } : {}),
        timeoutSeconds: pdf.timeoutSeconds,
      },
      ...(file.report.linkBaseUrl !== undefined ? { linkBaseUrl: file.report.linkBaseUrl } : {}),
    },
    email: {
      enabled: file.email.enabled,
      from: file.email.from ?? '',
      ...(smtp ? { smtp } : {}),
      maxMessageBytes: file.email.maxMessageBytes,
      retries: file.email.retries,
      channels,
    },
    schedule: { ...file.schedule },
    logging: { ...file.logging },
  };
}
