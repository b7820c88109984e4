import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { redactCredentials } from '../../../../src/adapters/kube/credential-redactor.js';
import { connectTarget, displayServer, loadKubeconfig, targetsFromKubeconfig } from '../../../../src/adapters/kube/kubeconfig-targets.js';
import { EnvironmentError, UserError } from '../../../../src/core/model/user-error.js';

const dir = mkdtempSync(join(tmpdir(), 'netpol-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TOKEN_A = 'tok-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const TOKEN_B = 'tok-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

function kubeconfig(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
}

const main = kubeconfig(
  'main.yaml',
  `apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod
  cluster: { server: "https://prod.example:6443", certificate-authority: certs/ca.crt }
- name: stage
  cluster: { server: "https://stage.example:6443" }
users:
- name: prod-user
  user: { token: "${TOKEN_A}" }
- name: stage-user
  user: { token: "${TOKEN_B}" }
contexts:
- name: prod
  context: { cluster: prod, user: prod-user }
- name: stage
  context: { cluster: stage, user: stage-user }
`,
);

const second = kubeconfig(
  'second.yaml',
  `apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: prod
  cluster: { server: "https://shadowed.example:6443" }
- name: dev
  cluster: { server: "https://dev.example:6443" }
users:
- name: dev-user
  user: { token: "tok-dev-dev-dev-dev" }
contexts:
- name: dev
  context: { cluster: dev, user: dev-user }
`,
);

const noCurrent = kubeconfig('no-current.yaml', 'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n');

describe('targetsFromKubeconfig', () => {
  it('no context and no flags: the current context', () => {
    expect(targetsFromKubeconfig({ kubeconfig: main })).toEqual([{ name: 'prod', context: 'prod', kubeconfig: main }]);
  });

  it('named contexts, deduplicated, in the given order', () => {
    expect(targetsFromKubeconfig({ kubeconfig: main, contexts: ['stage', 'prod', 'stage'] }).map((t) => t.context)).toEqual(['stage', 'prod']);
  });

  it('all contexts', () => {
    expect(targetsFromKubeconfig({ kubeconfig: main, allContexts: true }).map((t) => t.name)).toEqual(['prod', 'stage']);
  });

  it('an unknown context is a UserError listing the available ones', () => {
    let err: unknown;
    try {
      targetsFromKubeconfig({ kubeconfig: main, contexts: ['prod', 'qa'] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe("unknown kubeconfig context 'qa'; available: prod, stage");
    expect((err as UserError).exitCode).toBe(2);
  });

  it('a kubeconfig without a current context asks for --context', () => {
    expect(() => targetsFromKubeconfig({ kubeconfig: noCurrent })).toThrow(/no current context; available: \(none\)/);
  });

  it('merges files like kubectl: the first file wins for names and current-context', () => {
    const both = `${main}${delimiter}${second}`;
    expect(targetsFromKubeconfig({ kubeconfig: both }).map((t) => t.context)).toEqual(['prod']);
    expect(targetsFromKubeconfig({ kubeconfig: both, allContexts: true }).map((t) => t.context)).toEqual(['prod', 'stage', 'dev']);
    expect(loadKubeconfig(both).getCluster('prod')?.server).toBe('https://prod.example:6443');
  });

  it('uses $KUBECONFIG when no file is given', () => {
    expect(targetsFromKubeconfig({}, { KUBECONFIG: second }).map((t) => t.context)).toEqual(['dev']);
  });

  it('a missing file or no kubeconfig at all is a UserError', () => {
    expect(() => targetsFromKubeconfig({ kubeconfig: join(dir, 'nope') })).toThrow(UserError);
    expect(() => targetsFromKubeconfig({}, { KUBECONFIG: join(dir, 'nope') })).toThrow(/no kubeconfig found/);
  });

  it('a broken file is reported by line, without echoing its content (which may hold a token)', () => {
    const broken = kubeconfig('broken.yaml', `apiVersion: v1\nusers:\n- name: u\n  user:\n    token: "${TOKEN_A}"\n   bad: [\n`);
    let message = '';
    try {
      targetsFromKubeconfig({ kubeconfig: broken });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/broken\.yaml: not valid YAML at line \d+/);
    expect(message).not.toContain(TOKEN_A);
  });

  it('conflicting flags are UserErrors', () => {
    expect(() => targetsFromKubeconfig({ kubeconfig: main, contexts: ['prod'], allContexts: true })).toThrow(UserError);
    expect(() => targetsFromKubeconfig({ inCluster: true, contexts: ['prod'] }, { KUBERNETES_SERVICE_HOST: 'h', KUBERNETES_SERVICE_PORT: '443' })).toThrow(UserError);
  });

  it('in-cluster needs the service environment', () => {
    expect(() => targetsFromKubeconfig({ inCluster: true }, {})).toThrow(/not running in a pod/);
    expect(targetsFromKubeconfig({ inCluster: true }, { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' })).toEqual([
      { name: 'in-cluster', inCluster: true },
    ]);
  });
});

describe('connectTarget', () => {
  it('builds a KubeConfig holding only the target context, with absolute CA paths', () => {
    const c = connectTarget({ name: 'stage', context: 'stage', kubeconfig: main });
    expect(c.kc.getContexts().map((x) => x.name)).toEqual(['stage']);
    expect(c.kc.getUsers().map((x) => x.name)).toEqual(['stage-user']);
    expect(c.kc.getCurrentContext()).toBe('stage');
    expect(c.server).toBe('https://stage.example:6443');
    expect(c.secrets).toEqual([TOKEN_B]);
    expect(connectTarget({ name: 'prod', context: 'prod', kubeconfig: main }).kc.getCurrentCluster()?.caFile).toBe(join(dir, 'certs', 'ca.crt'));
  });

  it('two targets of one file never share a KubeConfig', () => {
    const a = connectTarget({ name: 'prod', context: 'prod', kubeconfig: main });
    const b = connectTarget({ name: 'stage', context: 'stage', kubeconfig: main });
    expect(a.kc).not.toBe(b.kc);
    expect(a.kc.getCurrentUser()?.token).toBe(TOKEN_A);
    expect(b.kc.getCurrentUser()?.token).toBe(TOKEN_B);
  });

  it('in-cluster: the service host and the mounted token file', () => {
    const root = join(dir, 'pod');
    const sa = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
    const env = { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' };
    expect(() => connectTarget({ name: 'in-cluster', inCluster: true }, { env, serviceAccountRoot: root })).toThrow(EnvironmentError);
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), 'x');
    const c = connectTarget({ name: 'in-cluster', inCluster: true }, { env, serviceAccountRoot: root });
    expect(c.server).toBe('https://[fd00::1]:443');
    expect(c.context).toBe('in-cluster');
    expect(c.kc.getCurrentCluster()?.caFile).toBe(join(sa, 'ca.crt'));
    expect(c.kc.getCurrentUser()?.authProvider).toEqual({ name: 'tokenFile', config: { tokenFile: join(sa, 'token') } });
  });
});

describe('displayServer and redactCredentials', () => {
  it('shows a server URL without user info or query', () => {
    expect(displayServer('https://admin:s3cret@k8s.example:6443/prefix?token=abc#x')).toBe('https://k8s.example:6443/prefix');
    expect(displayServer('https://10.0.0.1:443/')).toBe('https://10.0.0.1:443');
    expect(displayServer('not a url')).toBe('(invalid server URL)');
  });

  it('removes known secrets, bearer tokens, JWTs and key blocks', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJlLXNpZw';
    const text = `failed with ${TOKEN_A}; header Authorization: Bearer abc.def-123; token=${jwt} -----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY----- password: hunter2`;
    const out = redactCredentials(text, [TOKEN_A]);
    for (const s of [TOKEN_A, 'abc.def-123', jwt, 'MIIE', 'hunter2']) expect(out).not.toContain(s);
    expect(out).toContain('Bearer [redacted]');
    expect(redactCredentials('list pods: continue token too old')).toBe('list pods: continue token too old');
  });
});
