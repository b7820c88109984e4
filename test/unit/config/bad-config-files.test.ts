/** Every way a configuration file can be wrong is reported with the exact field and what it takes. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load-config.js';
import { problemsOf, writeFiles } from './config-test-files.js';

const TOP = 'clusters, collection, store, engine, audit, report, email, schedule, logging';
const SMTP_KEYS = 'host, port, secure, starttls, user, passwordFile, passwordEnv, timeoutSeconds, allowInvalidCertificates';
const CHECK_HINT = '(expected a check id; `netpol-audit checks` lists them)';
const CRON_EXPECTED = '(expected 5 or 6 fields: [second] minute hour day-of-month month day-of-week)';

describe('wrong types', () => {
  it('a word where a number belongs', async () => {
    expect(await problemsOf('collection:\n  pageSize: many\n')).toEqual([
      { path: 'collection.pageSize', message: 'found "many" (expected a whole number of at least 1)' },
    ]);
  });

  it('a YAML 1.1 "yes" where a boolean belongs, a fraction where a whole number belongs', async () => {
    expect(await problemsOf('email:\n  enabled: yes\n  retries: 1.5\n')).toEqual([
      { path: 'email.enabled', message: 'found "yes" (expected true or false)' },
      { path: 'email.retries', message: '1.5 is not a whole number (expected a whole number of at least 0)' },
    ]);
  });

  it('a list where a section belongs, a scalar where a list belongs', async () => {
    expect(await problemsOf('audit: [severities]\nclusters: prod\n')).toEqual([
      { path: 'clusters', message: 'found "prod" (expected a list)' },
      { path: 'audit', message: 'found a list (expected a mapping of settings)' },
    ]);
  });

  it('a value outside the allowed ones, with a suggestion', async () => {
    expect(await problemsOf('engine:\n  hostNetwork: nodes\n')).toEqual([
      { path: 'engine.hostNetwork', message: '"nodes" is not allowed, did you mean "node"? (expected one of pod, node)' },
    ]);
  });
});

describe('unknown keys', () => {
  it('at the top level, with "did you mean"', async () => {
    expect(await problemsOf('schedul:\n  timezone: UTC\n')).toEqual([
      { path: 'schedul', message: `unknown field, did you mean "schedule"? (expected one of ${TOP})` },
    ]);
  });

  it('nested, each one on its own line', async () => {
    expect(await problemsOf('email:\n  smtp:\n    hots: smtp.example.com\n    prot: 25\n    colour: blue\n')).toEqual([
      { path: 'email.smtp.hots', message: `unknown field, did you mean "host"? (expected one of ${SMTP_KEYS})` },
      { path: 'email.smtp.prot', message: `unknown field, did you mean "port"? (expected one of ${SMTP_KEYS})` },
      { path: 'email.smtp.colour', message: `unknown field (expected one of ${SMTP_KEYS})` },
    ]);
  });

  it('a manifests cluster that also names a live cluster', async () => {
    expect(await problemsOf('clusters:\n  - name: gitops\n    manifests: ./repo\n    context: prod\n')).toEqual([
      { path: 'clusters[0].context', message: 'not used with manifests (expected either a manifest folder or a live cluster)' },
    ]);
  });

  it('in a list item', async () => {
    expect(await problemsOf('clusters:\n  - name: prod\n    contxt: prod-admin\n')).toEqual([
      { path: 'clusters[0].contxt', message: 'unknown field, did you mean "context"? (expected one of name, context, inCluster, kubeconfig, manifests)' },
    ]);
  });

  it('an inline SMTP password is refused with where to put it instead', async () => {
    expect(await problemsOf('email:\n  smtp:\n    host: smtp.example.com\n    user: audit\n    password: hunter2\n')).toEqual([
      {
        path: 'email.smtp.password',
        message:
          'a password is never written in the configuration file (expected passwordFile: the path of a mounted Secret, or passwordEnv: the name of an environment variable; or set $NETPOL_AUDIT_SMTP_PASSWORD)',
      },
    ]);
  });
});

describe('schedule', () => {
  it('a cron field out of range, a cron expression with too few fields', async () => {
    expect(await problemsOf('schedule:\n  snapshot: "0 25 * * *"\n  report: "0 6 * *"\n')).toEqual([
      { path: 'schedule.snapshot', message: `"0 25 * * *" is not a valid cron expression: hour "25" is out of range ${CRON_EXPECTED}` },
      { path: 'schedule.report', message: `"0 6 * *" is not a valid cron expression: it has 4 fields ${CRON_EXPECTED}` },
    ]);
  });

  it('an unknown time zone', async () => {
    expect(await problemsOf('schedule:\n  timezone: Europe/Berlyn\n')).toEqual([
      { path: 'schedule.timezone', message: '"Europe/Berlyn" is not a known time zone (expected an IANA time zone such as UTC or Europe/Berlin)' },
    ]);
  });
});

describe('email', () => {
  it('enabled without SMTP host, sender or channels names each missing field', async () => {
    expect(await problemsOf('email:\n  enabled: true\n')).toEqual([
      { path: 'email.smtp.host', message: 'missing; required when email.enabled is true (expected the SMTP relay host name)' },
      { path: 'email.from', message: 'missing; required when email.enabled is true (expected the sender address, e.g. netpol-audit@example.com)' },
      { path: 'email.channels', message: 'no channel; required when email.enabled is true (expected at least one channel with a name and recipients in to)' },
    ]);
  });

  it('enabled with only the channels missing names only them', async () => {
    const yaml = 'email:\n  enabled: true\n  from: audit@example.com\n  smtp:\n    host: smtp.example.com\n  channels: []\n';
    expect(await problemsOf(yaml)).toEqual([
      { path: 'email.channels', message: 'no channel; required when email.enabled is true (expected at least one channel with a name and recipients in to)' },
    ]);
  });

  it('a channel without recipients, a bad address, an unknown subject placeholder', async () => {
    const yaml = 'email:\n  channels:\n    - name: sec\n      to: []\n      cc: [not-an-address]\n      subject: "Report {quarter}"\n';
    expect(await problemsOf(yaml)).toEqual([
      { path: 'email.channels[0].to', message: 'the list is empty (expected at least one item)' },
      { path: 'email.channels[0].cc[0]', message: '"not-an-address" is not an email address (expected an email address such as audit@example.com or "Name <audit@example.com>")' },
      { path: 'email.channels[0].subject', message: 'unknown placeholder {quarter} (expected {period}, {clusters}, {grade}, {score}, {channel})' },
    ]);
  });

  it('an unreadable password file names the field and the path', async () => {
    const dir = writeFiles({ 'netpol-audit.yaml': 'email:\n  smtp:\n    host: smtp.example.com\n    user: audit\n    passwordFile: secrets/smtp-password\n' });
    const err = await loadConfig({ path: join(dir, 'netpol-audit.yaml'), env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      {
        path: 'email.smtp.passwordFile',
        message: `cannot read "${join(dir, 'secrets/smtp-password')}": no such file (expected a readable file holding the SMTP password, e.g. a mounted Secret)`,
      },
    ]);
  });

  it('a password "file" that is a directory', async () => {
    const problems = await problemsOf('email:\n  smtp:\n    user: audit\n    passwordFile: secrets\n', {}, { 'secrets/keep': '' });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('email.smtp.passwordFile');
    expect(problems[0]!.message).toMatch(/^cannot read ".*\/secrets": it is a directory \(expected a readable file holding the SMTP password, e\.g\. a mounted Secret\)$/);
  });

  it('passwordEnv naming a variable that is not set', async () => {
    expect(await problemsOf('email:\n  smtp:\n    user: audit\n    passwordEnv: SMTP_PW\n', { OTHER: 'x' })).toEqual([
      { path: 'email.smtp.passwordEnv', message: '$SMTP_PW is not set (expected the environment variable SMTP_PW to hold the SMTP password)' },
    ]);
  });

  it('both passwordFile and passwordEnv, and a password without a user', async () => {
    expect(await problemsOf('email:\n  smtp:\n    passwordFile: pw\n    passwordEnv: SMTP_PW\n', { SMTP_PW: 'x' }, { pw: 'x' })).toEqual([
      { path: 'email.smtp.passwordEnv', message: 'given together with passwordFile (expected one of passwordFile or passwordEnv)' },
      { path: 'email.smtp.user', message: 'missing, but a password is given (expected the SMTP user name the password belongs to)' },
    ]);
  });
});

describe('store', () => {
  it('an unreadable urlFile and a store given twice', async () => {
    const dir = writeFiles({ 'netpol-audit.yaml': 'store:\n  urlFile: /nonexistent/netpol-audit/store-url\n' });
    const err = (await loadConfig({ path: join(dir, 'netpol-audit.yaml'), env: {} }).catch((e: unknown) => e)) as ConfigError;
    expect(err.problems).toEqual([
      {
        path: 'store.urlFile',
        message: 'cannot read "/nonexistent/netpol-audit/store-url": no such file (expected a readable file holding the store location, e.g. a mounted Secret)',
      },
    ]);
    expect(await problemsOf('store:\n  url: /data/h.sqlite\n  urlEnv: DB_URL\n', { DB_URL: '/x' })).toEqual([
      { path: 'store', message: 'url, urlEnv are given together (expected exactly one of url, urlFile or urlEnv)' },
    ]);
  });

  it('an unsupported store URL read from a file is reported without its password', async () => {
    const problems = await problemsOf('store:\n  urlFile: store-url\n', {}, { 'store-url': 'mysql://audit:s3cret@db/netpol\n' });
    expect(problems).toEqual([
      { path: 'store.urlFile', message: '"mysql://audit:***@db/netpol" is not a supported store (expected a file path, sqlite:PATH, or a postgres://user@host:port/database URL)' },
    ]);
    expect(JSON.stringify(problems)).not.toContain('s3cret');
  });
});

describe('audit', () => {
  it('unknown check ids in severities, disabledChecks and exceptions, with "did you mean"', async () => {
    const yaml = [
      'audit:',
      '  severities:',
      '    pod-not-isolatd: high',
      '  disabledChecks: [policy-duplicated]',
      '  exceptions:',
      '    - check: defaultdeny-missing',
      '      namespace: shop',
      '      owner: team-shop',
      '      reason: migration',
      '      expires: 2026-12-31',
      '',
    ].join('\n');
    expect(await problemsOf(yaml)).toEqual([
      { path: 'audit.severities.pod-not-isolatd', message: `unknown check id, did you mean "pod-not-isolated"? ${CHECK_HINT}` },
      { path: 'audit.disabledChecks[0]', message: `unknown check id "policy-duplicated", did you mean "policy-duplicate"? ${CHECK_HINT}` },
      { path: 'audit.exceptions[0].check', message: `unknown check id "defaultdeny-missing", did you mean "default-deny-missing"? ${CHECK_HINT}` },
    ]);
  });

  it('a severity that does not exist', async () => {
    expect(await problemsOf('audit:\n  severities:\n    pod-unlabeled: hi\n    pod-host-network: urgent\n')).toEqual([
      { path: 'audit.severities.pod-unlabeled', message: '"hi" is not allowed, did you mean "high"? (expected one of info, low, medium, high, critical)' },
      { path: 'audit.severities.pod-host-network', message: '"urgent" is not allowed (expected one of info, low, medium, high, critical)' },
    ]);
  });

  it('an exception without expiry, owner or reason', async () => {
    expect(await problemsOf('audit:\n  exceptions:\n    - check: pod-unlabeled\n      namespace: shop\n')).toEqual([
      { path: 'audit.exceptions[0].owner', message: 'missing (expected who answers for the exception: a team or a person)' },
      { path: 'audit.exceptions[0].reason', message: 'missing (expected why the finding is accepted)' },
      { path: 'audit.exceptions[0].expires', message: 'missing (expected a date YYYY-MM-DD)' },
    ]);
  });

  it('an impossible date and a date in another format', async () => {
    const ex = (expires: string) => `    - check: pod-unlabeled\n      namespace: shop\n      owner: o\n      reason: r\n      expires: ${expires}\n`;
    expect(await problemsOf(`audit:\n  exceptions:\n${ex('2026-02-30')}${ex('31.12.2026')}`)).toEqual([
      { path: 'audit.exceptions[0].expires', message: '"2026-02-30" is not a real date (expected a date YYYY-MM-DD)' },
      { path: 'audit.exceptions[1].expires', message: '"31.12.2026" is not a date (expected a date YYYY-MM-DD)' },
    ]);
  });

  it('an exception without scope, and one whose scope contradicts cluster-wide', async () => {
    const yaml = [
      'audit:',
      '  exceptions:',
      '    - { check: pod-unlabeled, owner: o, reason: r, expires: 2026-12-31 }',
      '    - { check: pod-unlabeled, scope: cluster-wide, namespace: shop, owner: o, reason: r, expires: 2026-12-31 }',
      '    - { check: pod-unlabeled, workload: "shop/web", owner: o, reason: r, expires: 2026-12-31 }',
      '',
    ].join('\n');
    expect(await problemsOf(yaml)).toEqual([
      { path: 'audit.exceptions[0]', message: 'no scope given (expected at least one of namespace, workload, policy; or scope: cluster-wide to cover every finding of the check)' },
      { path: 'audit.exceptions[1].namespace', message: 'contradicts scope: cluster-wide (expected either scope: cluster-wide or a narrower scope)' },
      { path: 'audit.exceptions[2].workload', message: '"shop/web" is not a workload key (expected namespace/name[Kind], as findings show it, e.g. shop/web[Deployment])' },
    ]);
  });

  it('an exception for a cluster that is not configured', async () => {
    const yaml = 'clusters:\n  - name: prod\naudit:\n  exceptions:\n    - { check: pod-unlabeled, cluster: prd, scope: cluster-wide, owner: o, reason: r, expires: 2026-12-31 }\n';
    expect(await problemsOf(yaml)).toEqual([{ path: 'audit.exceptions[0].cluster', message: '"prd" is not a configured cluster, did you mean "prod"? (expected one of prod)' }]);
  });
});

describe('report and clusters', () => {
  it('trendPeriods below and above its range', async () => {
    expect(await problemsOf('report:\n  trendPeriods: 3\n')).toEqual([{ path: 'report.trendPeriods', message: '3 is too small (expected a whole number from 4 to 8)' }]);
    expect(await problemsOf('report:\n  trendPeriods: 9\n')).toEqual([{ path: 'report.trendPeriods', message: '9 is too large (expected a whole number from 4 to 8)' }]);
  });

  it('duplicate cluster names, and a context on the in-cluster cluster', async () => {
    expect(await problemsOf('clusters:\n  - name: prod\n  - name: prod\n    inCluster: true\n    context: x\n')).toEqual([
      { path: 'clusters[1].name', message: '"prod" is already the name of clusters[0] (expected unique cluster names)' },
      { path: 'clusters[1].context', message: 'not used with inCluster: true (expected either inCluster or a kubeconfig context)' },
    ]);
  });
});

describe('the file itself', () => {
  it('a YAML syntax error names the line', async () => {
    expect(await problemsOf('report:\n  period: quarter\n  pdf: [enabled\nemail: {}\n')).toEqual([
      { path: 'line 4, column 1', message: 'YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]' },
    ]);
  });

  it('a duplicate key is a syntax error with its line', async () => {
    expect(await problemsOf('logging:\n  level: info\n  level: debug\n')).toEqual([{ path: 'line 3, column 3', message: 'YAML syntax error: Map keys must be unique' }]);
  });

  it('a --config file that does not exist', async () => {
    const dir = writeFiles({});
    const err = (await loadConfig({ path: 'nope.yaml', env: {}, cwd: dir }).catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems).toEqual([{ path: '--config', message: `cannot read "${join(dir, 'nope.yaml')}": no such file (expected a readable YAML file)` }]);
  });

  it('a $NETPOL_AUDIT_CONFIG file that does not exist', async () => {
    const dir = writeFiles({});
    const err = (await loadConfig({ env: { NETPOL_AUDIT_CONFIG: 'gone.yaml' }, cwd: dir }).catch((e: unknown) => e)) as ConfigError;
    expect(err.problems).toEqual([{ path: '$NETPOL_AUDIT_CONFIG', message: `cannot read "${join(dir, 'gone.yaml')}": no such file (expected a readable YAML file)` }]);
  });

  it('a document that is not a mapping', async () => {
    expect(await problemsOf('- clusters\n')).toEqual([{ path: '', message: 'found a list (expected a mapping of settings)' }]);
  });
});

describe('all problems at once', () => {
  it('reports every problem of a file in one error, one per line, grouped by section', async () => {
    const yaml = [
      'clusters:',
      '  - name: prod',
      '    contxt: prod-admin',
      'collection:',
      '  concurrency: 0',
      'store:',
      '  urlFile: missing-store-url',
      'audit:',
      '  severities:',
      '    pod-not-isolated: severe',
      '  exceptions:',
      '    - check: pod-unlabeled',
      '      namespace: shop',
      '      owner: o',
      '      reason: r',
      'report:',
      '  trendPeriods: 12',
      'email:',
      '  enabled: true',
      '  from: audit@example.com',
      '  smtp:',
      '    user: audit',
      '    passwordEnv: SMTP_PW',
      '  channels:',
      '    - name: sec',
      '      to: [sec@example.com]',
      'schedule:',
      '  timezone: Mars/Olympus',
      '  report: "every day"',
      'loging:',
      '  level: debug',
      '',
    ].join('\n');
    const dir = writeFiles({ 'netpol-audit.yaml': yaml });
    const err = (await loadConfig({ path: join(dir, 'netpol-audit.yaml'), env: {} }).catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems.map((p) => p.path)).toEqual([
      'clusters[0].contxt',
      'collection.concurrency',
      'store.urlFile',
      'audit.severities.pod-not-isolated',
      'audit.exceptions[0].expires',
      'report.trendPeriods',
      'email.smtp.host',
      'email.smtp.passwordEnv',
      'schedule.timezone',
      'schedule.report',
      'loging',
    ]);
    const lines = err.message.split('\n');
    expect(lines[0]).toBe(`configuration ${join(dir, 'netpol-audit.yaml')} has 11 problems:`);
    expect(lines.slice(1)).toEqual(err.problems.map((p) => `  ${p.path}: ${p.message}`));
    expect(lines).toContain('  collection.concurrency: 0 is too small (expected a whole number of at least 1)');
    expect(lines).toContain('  schedule.report: "every day" is not a valid cron expression: it has 2 fields (expected 5 or 6 fields: [second] minute hour day-of-month month day-of-week)');
    expect(lines).toContain('  loging: unknown field, did you mean "logging"? (expected one of clusters, collection, store, engine, audit, report, email, schedule, logging)');
    expect(err.exitCode).toBe(2);
  });
});
