import { describe, expect, it } from 'vitest';
import { anp, netpol, ns, pod } from '../../../support/cluster-fixture.js';
import { audit, findingsOf } from '../../../support/audit-fixture.js';

const base = () => [ns('a'), ns('b'), pod('a', 'web', { labels: { app: 'web' }, ports: [{ name: 'http', containerPort: 80 }] }), pod('b', 'client', { labels: { app: 'client' } })];
const denyAll = (n: string) => netpol(n, 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

describe('ingress-from-any-address / egress-to-any-address', () => {
  it('fire for rules without peers and for /0 blocks, naming the rule and ports', () => {
    const r = audit([
      ...base(),
      netpol('a', 'open-in', { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] }),
      netpol('a', 'v6', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '::/0' } }] }] }),
      netpol('a', 'open-out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }] }),
      anp('out', { priority: 1, subject: { namespaces: {} }, egress: [{ action: 'Allow', to: [{ networks: ['0.0.0.0/0'] }] }] }),
    ]);
    expect(findingsOf(r, 'ingress-from-any-address').map((f) => f.message)).toEqual([
      'NetworkPolicy a/open-in spec.ingress[0] has no from list, so it allows ingress from every address on TCP 80',
      'NetworkPolicy a/v6 spec.ingress[0] allows ingress from ::/0 on all ports',
    ]);
    expect(findingsOf(r, 'egress-to-any-address').map((f) => f.policy)).toEqual(['anp/out', 'a/open-out']); // cluster-scoped first
  });
  it('do not fire for narrow CIDRs or selector peers', () => {
    const r = audit([...base(), netpol('a', 'p', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '203.0.113.0/24' } }, { namespaceSelector: {} }] }] })]);
    expect(findingsOf(r, 'ingress-from-any-address')).toEqual([]);
  });
});

describe('peer-any-namespace', () => {
  it('fires for namespaceSelector {} peers and admin Allow rules over every namespace, not for admin Deny', () => {
    const r = audit([
      ...base(),
      netpol('a', 'p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'client' } } }] }] }),
      anp('allow', { priority: 1, subject: { namespaces: {} }, ingress: [{ action: 'Allow', from: [{ namespaces: {} }] }] }),
      anp('deny', { priority: 2, subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] }),
    ]);
    expect(findingsOf(r, 'peer-any-namespace').map((f) => f.policy)).toEqual(['anp/allow', 'a/p']);
  });
});

describe('workload-internet-exposed', () => {
  it('fires for public ingress (high) and public egress (one level lower), not for private ranges', () => {
    const r = audit([
      ...base(),
      denyAll('a'),
      denyAll('b'),
      netpol('a', 'lb', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 'http' }] }] }),
      netpol('b', 'corp', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }, { to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 443 }] }] }),
    ]);
    expect(findingsOf(r, 'workload-internet-exposed').map((f) => [f.workload, f.severity, f.message])).toEqual([
      ['a/web[Pod]', 'high', 'a/web[Pod] accepts connections from the internet (any public address) on TCP 80'],
      ['b/client[Pod]', 'medium', 'b/client[Pod] can open connections to the internet (203.0.113.0/24) on TCP 443'],
    ]);
  });
  it('does not fire for workloads reachable from private ranges only', () => {
    const r = audit([...base(), denyAll('a'), denyAll('b'), netpol('a', 'in', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '192.168.0.0/16' } }] }] })]);
    expect(findingsOf(r, 'workload-internet-exposed')).toEqual([]);
  });
});

describe('workload-cross-namespace-exposed', () => {
  it('fires for workloads reachable from other namespaces, not for namespace-local access', () => {
    const local = audit([...base(), netpol('a', 'local', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })]);
    expect(findingsOf(local, 'workload-cross-namespace-exposed').map((f) => f.workload)).toEqual(['b/client[Pod]']); // a/web may still call b
    const open = audit(base());
    expect(findingsOf(open, 'workload-cross-namespace-exposed').map((f) => f.workload)).toEqual(['a/web[Pod]', 'b/client[Pod]']);
  });
});

describe('pod-host-network', () => {
  it('fires for hostNetwork workloads only', () => {
    const r = audit([...base(), pod('a', 'agent', { hostNetwork: true })]);
    expect(findingsOf(r, 'pod-host-network').map((f) => f.workload)).toEqual(['a/agent[Pod]']);
  });
});

describe('named-port-unresolved', () => {
  it('fires when no destination pod has the named port (wrong name or protocol), not when one does', () => {
    const r = audit([
      ...base(),
      netpol('a', 'in', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 'http' }, { port: 'https' }, { port: 'http', protocol: 'UDP' }] }] }),
      netpol('b', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }], ports: [{ port: 'http' }, { port: 'grpc' }] }] }),
    ]);
    expect(findingsOf(r, 'named-port-unresolved').map((f) => f.message)).toEqual([
      'NetworkPolicy a/in spec.ingress[0].ports[1]: port "https"/TCP is not a containerPort of any selected pod',
      'NetworkPolicy a/in spec.ingress[0].ports[2]: port "http"/UDP is not a containerPort of any selected pod',
      'NetworkPolicy b/out spec.egress[0].ports[1]: port "grpc"/TCP is not a containerPort of any destination pod',
    ]);
  });
});
