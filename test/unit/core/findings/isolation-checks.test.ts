/** default-deny-*, pod-not-isolated: must fire and must not fire, including the traps. */
import { describe, expect, it } from 'vitest';
import { anp, banp, netpol, ns, pod } from '../../../support/cluster-fixture.js';
import { audit, findingsOf } from '../../../support/audit-fixture.js';

const apps = (n: string) => [ns(n), pod(n, 'web', { labels: { app: 'web' } }), pod(n, 'db', { labels: { app: 'db' } })];
const denyAll = (n: string, types = ['Ingress', 'Egress']) => netpol(n, 'default-deny', { podSelector: {}, policyTypes: types });
const dns = (n: string) =>
  netpol(n, 'allow-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }] });

describe('default-deny-missing', () => {
  it('classifies none / ingress only / egress only / both', () => {
    const r = audit([...apps('none'), ...apps('in'), denyAll('in', ['Ingress']), ...apps('out'), denyAll('out', ['Egress']), ...apps('both'), denyAll('both')]);
    const by = Object.fromEntries(findingsOf(r, 'default-deny-missing').map((f) => [f.namespace, [f.severity, (f.details as { defaultDeny: string }).defaultDeny]]));
    expect(by).toEqual({ none: ['high', 'none'], in: ['medium', 'ingress only'], out: ['medium', 'egress only'] });
  });
  it('does not count a policy that selects only some pods as a namespace default-deny', () => {
    const r = audit([...apps('a'), netpol('a', 'web-only', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'] })]);
    expect(findingsOf(r, 'default-deny-missing').map((f) => f.namespace)).toEqual(['a']);
  });
  it('ignores namespaces without pods', () => {
    expect(findingsOf(audit([ns('empty'), ...apps('a'), denyAll('a')]), 'default-deny-missing')).toEqual([]);
  });
});

describe('default-deny-neutralised (trap)', () => {
  it('fires when an allow-all rule re-opens every pod a default-deny closed', () => {
    const r = audit([...apps('a'), denyAll('a'), dns('a'), netpol('a', 'oops', { podSelector: {}, ingress: [{}] })]);
    const f = findingsOf(r, 'default-deny-neutralised');
    expect(f.map((x) => [x.namespace, x.severity, (x.details as { direction: string }).direction])).toEqual([['a', 'high', 'ingress']]);
    expect(f[0]!.message).toMatch(/a\/oops/);
    // and the namespace does not count as having full default-deny protection
    expect(findingsOf(r, 'pod-not-isolated').filter((x) => (x.details as { direction: string }).direction === 'ingress')).toHaveLength(2);
  });
  it('reports a partial neutralisation one level lower', () => {
    const r = audit([...apps('a'), denyAll('a'), dns('a'), netpol('a', 'web-open', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{}] })]);
    expect(findingsOf(r, 'default-deny-neutralised').map((x) => [x.severity, x.message])).toEqual([['medium', expect.stringMatching(/1 of 2 workloads allow all ingress traffic \(a\/web\[Pod\]\)/)]]);
  });
  it('does not fire when allow rules are narrower than everything', () => {
    const r = audit([...apps('a'), denyAll('a'), dns('a'), netpol('a', 'web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 80 }] }] })]);
    expect(findingsOf(r, 'default-deny-neutralised')).toEqual([]);
  });
});

describe('default-deny-egress-without-dns', () => {
  it('fires when egress is denied by default and port 53 is not allowed (naming the missing protocol)', () => {
    const udpOnly = netpol('b', 'udp-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] });
    const r = audit([...apps('a'), denyAll('a'), ...apps('b'), denyAll('b'), udpOnly]);
    const f = findingsOf(r, 'default-deny-egress-without-dns');
    expect(f.map((x) => x.namespace)).toEqual(['a', 'b']);
    expect(f[0]!.message).toMatch(/no UDP\/53, TCP\/53/);
    expect(f[1]!.message).toMatch(/no TCP\/53\)/);
  });
  it('does not fire with a DNS allowance or without an egress default-deny', () => {
    const r = audit([...apps('a'), denyAll('a'), dns('a'), ...apps('b'), denyAll('b', ['Ingress'])]);
    expect(findingsOf(r, 'default-deny-egress-without-dns')).toEqual([]);
  });
});

describe('pod-not-isolated', () => {
  it('counts a namespace-wide default-deny as protection (trap)', () => {
    expect(findingsOf(audit([...apps('a'), denyAll('a'), dns('a')]), 'pod-not-isolated')).toEqual([]);
  });
  it('treats ingress-only and egress-only designs per direction (trap)', () => {
    const r = audit([...apps('a'), denyAll('a', ['Ingress'])]);
    const f = findingsOf(r, 'pod-not-isolated');
    expect(f.map((x) => `${x.workload} ${(x.details as { direction: string }).direction}`).sort()).toEqual(['a/db[Pod] egress', 'a/web[Pod] egress']);
    expect(f[0]!.message).toMatch(/no policy selects its pods for egress/);
  });
  it('explains an allow-all policy as the reason', () => {
    const r = audit([...apps('a'), netpol('a', 'all', { podSelector: {}, ingress: [{}] })]);
    expect(findingsOf(r, 'pod-not-isolated').find((x) => x.workload === 'a/web[Pod]' && /ingress/.test(x.message))?.message).toMatch(
      /selected by a\/all, but their rules allow all ingress traffic/,
    );
  });
  it('counts an admin default-deny (deny every namespace) as isolation, but not a deny of a few addresses', () => {
    const guard = anp('deny-all', { priority: 99, subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] });
    const meta = anp('meta', { priority: 1, subject: { namespaces: {} }, egress: [{ action: 'Deny', to: [{ networks: ['169.254.169.254/32'] }] }] });
    const r = audit([...apps('a'), guard, meta]);
    const dirs = findingsOf(r, 'pod-not-isolated').map((x) => (x.details as { direction: string }).direction);
    expect(dirs.sort()).toEqual(['egress', 'egress']);
    const b = audit([...apps('a'), banp({ subject: { namespaces: {} }, egress: [{ action: 'Deny', to: [{ namespaces: {} }] }] })]);
    expect(findingsOf(b, 'pod-not-isolated').map((x) => (x.details as { direction: string }).direction)).toEqual(['ingress', 'ingress']);
  });
});
