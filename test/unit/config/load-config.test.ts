/** Finding the file, defaults, secrets from files and the environment, and environment overrides. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COLLECT_OPTIONS } from '../../../src/adapters/kube/cluster-target.js';
import { DEFAULT_ENGINE_SETTINGS } from '../../../src/core/engine/engine-settings.js';
import { DEFAULT_AUDIT_SETTINGS } from '../../../src/core/findings/audit-settings.js';
import { UserError } from '../../../src/core/model/user-error.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { validateConfigDocument } from '../../../src/config/config-schema.js';
import type { NetpolAuditConfig } from '../../../src/config/netpol-audit-config.js';
import { writeFiles } from './config-test-files.js';

const DEFAULTS: NetpolAuditConfig = {
  clusters: [],
  collection: { pageSize: 500, timeoutSeconds: 30, retries: 3, concurrency: 4 },
  engine: { ipBlockPods: 'match', hostNetwork: 'pod', ipFamilies: 'auto' },
  audit: { severities: {}, disabledChecks: [], requiredPodLabels: [], policyGrowth: { percent: 25, minimumIncrease: 5 }, expiringSoonDays: 30, exceptions: [] },
  report: { outputDir: 'reports', period: 'quarter', trendPeriods: 4, topWorkloads: 10, pdf: { enabled: true, pageSize: 'A4', timeoutSeconds: 300 } },
  email: { enabled: false, from: '', maxMessageBytes: 10_000_000, retries: 3, channels: [] },
  schedule: { timezone: 'UTC', snapshot: '0 2 * * *', report: '0 6 * * *', catchUp: true },
  logging: { format: 'auto', level: 'info' },
};

describe('finding the file', () => {
  it('no file anywhere: the built-in defaults, with no source', async () => {
    const config = await loadConfig({ env: {}, cwd: writeFiles({}) });
    expect(config).toEqual(DEFAULTS);
  });

  it('the defaults agree with the defaults the core and the collector declare', async () => {
    const config = await loadConfig({ env: {}, cwd: writeFiles({}) });
    expect(config.engine).toEqual(DEFAULT_ENGINE_SETTINGS);
    expect(config.audit.policyGrowth).toEqual(DEFAULT_AUDIT_SETTINGS.policyGrowth);
    expect(config.audit.expiringSoonDays).toBe(DEFAULT_AUDIT_SETTINGS.expiringSoonDays);
    const c = DEFAULT_COLLECT_OPTIONS;
    expect(config.collection).toEqual({ pageSize: c.pageSize, timeoutSeconds: c.timeoutMs / 1000, retries: c.retries, concurrency: c.concurrency });
  });

  it('./netpol-audit.yaml in the working directory', async () => {
    const dir = writeFiles({ 'netpol-audit.yaml': 'logging:\n  level: debug\n' });
    const config = await loadConfig({ env: {}, cwd: dir });
    expect(config.source).toBe(join(dir, 'netpol-audit.yaml'));
    expect(config.logging.level).toBe('debug');
  });

  it('$NETPOL_AUDIT_CONFIG wins over ./netpol-audit.yaml, and --config over both', async () => {
    const dir = writeFiles({ 'netpol-audit.yaml': 'logging: { level: debug }\n', 'env.yaml': 'logging: { level: warn }\n', 'cli.yaml': 'logging: { level: error }\n' });
    expect((await loadConfig({ env: { NETPOL_AUDIT_CONFIG: 'env.yaml' }, cwd: dir })).logging.level).toBe('warn');
    expect((await loadConfig({ path: 'cli.yaml', env: { NETPOL_AUDIT_CONFIG: 'env.yaml' }, cwd: dir })).logging.level).toBe('error');
  });

  it('required: no file is an error saying where a file is looked for', async () => {
    const err = await loadConfig({ env: {}, cwd: writeFiles({}), required: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe('no configuration file found');
    expect((err as UserError).hint).toContain('--config FILE, set $NETPOL_AUDIT_CONFIG, or create ./netpol-audit.yaml');
  });

  it('an empty file is all defaults', async () => {
    const dir = writeFiles({ 'netpol-audit.yaml': '# nothing yet\n' });
    expect(await loadConfig({ env: {}, cwd: dir })).toEqual({ ...DEFAULTS, source: join(dir, 'netpol-audit.yaml') });
  });
});

describe('normalisation', () => {
  it('a cluster context defaults to its name; an in-cluster cluster has none; kubeconfig is relative to the file', async () => {
    const dir = writeFiles({ 'cfg/netpol-audit.yaml': 'clusters:\n  - name: prod\n    kubeconfig: kube/config\n  - name: stage\n    context: stage-admin\n  - name: ops\n    inCluster: true\n' });
    const config = await loadConfig({ path: join(dir, 'cfg/netpol-audit.yaml'), env: {} });
    expect(config.clusters).toEqual([
      { name: 'prod', context: 'prod', kubeconfig: join(dir, 'cfg/kube/config') },
      { name: 'stage', context: 'stage-admin' },
      { name: 'ops', inCluster: true },
    ]);
  });

  it('SMTP port follows secure unless given; exceptions keep only the scope they set', async () => {
    const yaml = [
      'email:',
      '  smtp: { host: smtp.example.com, secure: true }',
      'audit:',
      '  exceptions:',
      '    - { check: pod-unlabeled, scope: cluster-wide, owner: o, reason: r, expires: 2026-12-31 }',
      '    - { check: pod-unlabeled, workload: "shop/web[Deployment]", owner: o, reason: r, expires: 2027-01-31 }',
      '',
    ].join('\n');
    const dir = writeFiles({ 'netpol-audit.yaml': yaml });
    const config = await loadConfig({ path: join(dir, 'netpol-audit.yaml'), env: {} });
    expect(config.email.smtp).toEqual({ host: 'smtp.example.com', port: 465, secure: true, starttls: 'required', timeoutSeconds: 30, allowInvalidCertificates: false });
    expect(config.audit.exceptions).toEqual([
      { check: 'pod-unlabeled', owner: 'o', reason: 'r', expires: '2026-12-31' },
      { check: 'pod-unlabeled', workload: 'shop/web[Deployment]', owner: 'o', reason: 'r', expires: '2027-01-31' },
    ]);
    const plain = writeFiles({ 'netpol-audit.yaml': 'email:\n  smtp: { host: smtp.example.com }\n' });
    expect((await loadConfig({ path: join(plain, 'netpol-audit.yaml'), env: {} })).email.smtp?.port).toBe(587);
  });

  it('an expiry a YAML 1.1 parser turned into a Date is accepted as the date', () => {
    const r = validateConfigDocument({ audit: { exceptions: [{ check: 'pod-unlabeled', namespace: 'shop', owner: 'o', reason: 'r', expires: new Date('2026-12-31T00:00:00Z') }] } });
    expect(r.ok && r.file.audit.exceptions[0]!.expires).toBe('2026-12-31');
  });

  it('a relative SQLite store and output folder written in the file are relative to the file; the default output folder is not', async () => {
    const dir = writeFiles({ 'a/netpol-audit.yaml': 'store: sqlite:data/history.sqlite\nreport:\n  outputDir: out\n', 'b/netpol-audit.yaml': 'store: history.sqlite\n' });
    const a = await loadConfig({ path: join(dir, 'a/netpol-audit.yaml'), env: {} });
    expect(a.store).toBe(join(dir, 'a/data/history.sqlite'));
    expect(a.report.outputDir).toBe(join(dir, 'a/out'));
    const b = await loadConfig({ path: join(dir, 'b/netpol-audit.yaml'), env: {} });
    expect(b.store).toBe(join(dir, 'b/history.sqlite'));
    expect(b.report.outputDir).toBe('reports');
  });
});

describe('secrets', () => {
  it('store URL and SMTP password read from mounted files (relative to the config file)', async () => {
    const dir = writeFiles({
      'netpol-audit.yaml': 'store:\n  urlFile: secrets/store-url\nemail:\n  smtp:\n    host: smtp.example.com\n    user: audit\n    passwordFile: secrets/smtp-password\n',
      'secrets/store-url': 'postgres://audit:db-pass@db.example.com:5432/netpol\n',
      'secrets/smtp-password': ' pass with spaces \n',
    });
    const config = await loadConfig({ path: join(dir, 'netpol-audit.yaml'), env: {} });
    expect(config.store).toBe('postgres://audit:db-pass@db.example.com:5432/netpol');
    // only the newline a file-made Secret ends with is dropped; the password is otherwise kept as written
    expect(config.email.smtp?.password).toBe(' pass with spaces ');
  });

  it('store URL and SMTP password from named environment variables', async () => {
    const dir = writeFiles({ 'netpol-audit.yaml': 'store:\n  urlEnv: DB_URL\nemail:\n  smtp:\n    host: smtp.example.com\n    user: audit\n    passwordEnv: SMTP_PW\n' });
    const config = await loadConfig({ path: join(dir, 'netpol-audit.yaml'), env: { DB_URL: 'postgresql://db.example.com/netpol', SMTP_PW: 'pw-from-env' } });
    expect(config.store).toBe('postgresql://db.example.com/netpol');
    expect(config.email.smtp?.password).toBe('pw-from-env');
  });

  it('$NETPOL_AUDIT_SMTP_PASSWORD supplies the password when the file names no source', async () => {
    const dir = writeFiles({ 'netpol-audit.yaml': 'email:\n  smtp:\n    host: smtp.example.com\n    user: audit\n' });
    const config = await loadConfig({ path: join(dir, 'netpol-audit.yaml'), env: { NETPOL_AUDIT_SMTP_PASSWORD: 'from-env' } });
    expect(config.email.smtp?.password).toBe('from-env');
  });

  it('enabled email with a user and no password source is an error', async () => {
    const dir = writeFiles({ 'netpol-audit.yaml': 'email:\n  enabled: true\n  from: a@example.com\n  smtp: { host: smtp.example.com, user: audit }\n  channels: [{ name: sec, to: [s@example.com] }]\n' });
    const err = (await loadConfig({ path: join(dir, 'netpol-audit.yaml'), env: {} }).catch((e: unknown) => e)) as { problems: unknown };
    expect(err.problems).toEqual([
      { path: 'email.smtp', message: 'user is given but no password is supplied (expected passwordFile, passwordEnv, or $NETPOL_AUDIT_SMTP_PASSWORD in the environment)' },
    ]);
  });
});

describe('environment overrides', () => {
  it('$NETPOL_AUDIT_STORE replaces the store of the file, whose secret is then not needed', async () => {
    const dir = writeFiles({ 'netpol-audit.yaml': 'store:\n  urlFile: /nonexistent/store-url\n' });
    const config = await loadConfig({ path: join(dir, 'netpol-audit.yaml'), env: { NETPOL_AUDIT_STORE: 'postgres://db.example.com/netpol' } });
    expect(config.store).toBe('postgres://db.example.com/netpol');
  });

  it('$NETPOL_AUDIT_STORE applies without a file too, and a bad one is reported without its password', async () => {
    const cwd = writeFiles({});
    expect((await loadConfig({ env: { NETPOL_AUDIT_STORE: 'sqlite:/data/h.sqlite' }, cwd })).store).toBe('/data/h.sqlite');
    const err = (await loadConfig({ env: { NETPOL_AUDIT_STORE: 'redis://u:pw1@cache/0' }, cwd }).catch((e: unknown) => e)) as { problems: unknown; message: string };
    expect(err.problems).toEqual([
      { path: '$NETPOL_AUDIT_STORE', message: '"redis://u:***@cache/0" is not a supported store (expected a file path, sqlite:PATH, or a postgres://user@host:port/database URL)' },
    ]);
    expect(err.message).not.toContain('pw1');
  });

  it('$NETPOL_AUDIT_SMTP_PASSWORD wins over passwordFile (environment over file)', async () => {
    const dir = writeFiles({ 'netpol-audit.yaml': 'email:\n  smtp: { host: h.example.com, user: u, passwordFile: pw }\n', pw: 'from-file\n' });
    const config = await loadConfig({ path: join(dir, 'netpol-audit.yaml'), env: { NETPOL_AUDIT_SMTP_PASSWORD: 'from-env' } });
    expect(config.email.smtp?.password).toBe('from-env');
  });
});
