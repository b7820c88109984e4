/** AdminNetworkPolicy / BaselineAdminNetworkPolicy tiers (semantics notes section 2). */
import { describe, expect, it } from 'vitest';
import { analyse, anp, banp, between, connectivity, netpol, ns, pod } from '../../../support/cluster-fixture.js';

const X = 'x/app[Pod]';
const Y = 'y/app[Pod]';
const base = () => [ns('x', { env: 'prod' }), ns('y', { env: 'dev' }), pod('x', 'app', { labels: { app: 'app' } }), pod('y', 'app', { labels: { app: 'app' } })];
const allNs = { namespaces: {} };

describe('admin tier', () => {
  it('Deny wins over a NetworkPolicy that allows', () => {
    const c = connectivity([
      ...base(),
      netpol('x', 'allow-all', { podSelector: {}, ingress: [{}] }),
      anp('deny-dev', { priority: 10, subject: { namespaces: { matchLabels: { env: 'prod' } } }, ingress: [{ action: 'Deny', from: [{ namespaces: { matchLabels: { env: 'dev' } } }] }] }),
    ]);
    expect(between(c, Y, X)).toBe('none');
  });

  it('Allow wins over a NetworkPolicy that denies', () => {
    const c = connectivity([
      ...base(),
      netpol('x', 'deny-all', { podSelector: {} }),
      anp('allow-dev', { priority: 10, subject: allNs, ingress: [{ action: 'Allow', from: [{ namespaces: { matchLabels: { env: 'dev' } } }], ports: [{ portNumber: { port: 443 } }] }] }),
    ]);
    expect(between(c, Y, X)).toBe('TCP 443');
  });

  it('evaluates policies by priority and rules in order: the first match decides', () => {
    const rules = (first: string, second: string) => [
      { action: first, from: [{ namespaces: {} }] },
      { action: second, from: [{ namespaces: {} }] },
    ];
    expect(between(connectivity([...base(), anp('p', { priority: 5, subject: allNs, ingress: rules('Deny', 'Allow') })]), Y, X)).toBe('none');
    expect(between(connectivity([...base(), anp('p', { priority: 5, subject: allNs, ingress: rules('Allow', 'Deny') })]), Y, X)).toBe('All Connections');
    const byPriority = connectivity([
      ...base(),
      anp('low', { priority: 50, subject: allNs, ingress: [{ action: 'Allow', from: [{ namespaces: {} }] }] }),
      anp('high', { priority: 1, subject: allNs, ingress: [{ action: 'Deny', from: [{ namespaces: {} }], ports: [{ portNumber: { port: 22 } }] }] }),
      netpol('x', 'deny-all', { podSelector: {} }),
    ]);
    expect(between(byPriority, Y, X)).toBe('TCP 1-21,23-65535;UDP 1-65535;SCTP 1-65535');
  });

  it('Pass hands the decision to NetworkPolicy, and without one to the baseline', () => {
    const pass = anp('pass', { priority: 1, subject: allNs, ingress: [{ action: 'Pass', from: [{ namespaces: {} }] }, { action: 'Allow', from: [{ namespaces: {} }] }] });
    const baseline = banp({ subject: allNs, ingress: [{ action: 'Deny', from: [{ namespaces: { matchLabels: { env: 'dev' } } }] }] });
    const viaNp = connectivity([...base(), pass, baseline, netpol('x', 'np', { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] })]);
    expect(between(viaNp, Y, X)).toBe('TCP 80'); // NetworkPolicy decides, baseline never consulted
    const viaBaseline = connectivity([...base(), pass, baseline]);
    expect(between(viaBaseline, Y, X)).toBe('none'); // no NetworkPolicy: baseline denies dev
    expect(between(viaBaseline, X, Y)).toBe('All Connections');
  });

  it('applies the baseline only to pods no NetworkPolicy selects in that direction', () => {
    const baseline = banp({ subject: allNs, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] });
    const c = connectivity([...base(), baseline, netpol('x', 'np', { podSelector: {}, ingress: [{}] })]);
    expect(between(c, Y, X)).toBe('All Connections'); // selected by the NetworkPolicy
    expect(between(c, X, Y)).toBe('none'); // y has no NetworkPolicy: baseline denies
  });

  it('matches networks peers on egress and ports by number and range', () => {
    const c = connectivity([
      ...base(),
      anp('egress', {
        priority: 3,
        subject: allNs,
        egress: [
          { action: 'Allow', to: [{ networks: ['8.8.8.8/32'] }], ports: [{ portNumber: { protocol: 'UDP', port: 53 } }] },
          { action: 'Deny', to: [{ networks: ['0.0.0.0/0'] }], ports: [{ portRange: { protocol: 'UDP', start: 1, end: 65535 } }, { portRange: { start: 1, end: 1024 } }] },
        ],
      }),
    ]);
    expect(c[`${X} => 8.8.8.8/32`]).toBe('TCP 1025-65535;UDP 53;SCTP 1-65535');
    expect(c[`${X} => 0.0.0.0-8.8.8.7`]).toBe('TCP 1025-65535;SCTP 1-65535');
    expect(c[`${X} => 8.8.8.9-255.255.255.255`]).toBe('TCP 1025-65535;SCTP 1-65535');
  });

  it('fails closed on peers it cannot evaluate: an Allow matches nothing, a Deny everything', () => {
    const allow = connectivity([...base(), netpol('x', 'deny', { podSelector: {} }), anp('p', { priority: 1, subject: allNs, ingress: [{ action: 'Allow', from: [{}] }] })]);
    expect(between(allow, Y, X)).toBe('none');
    const deny = connectivity([...base(), anp('p', { priority: 1, subject: allNs, egress: [{ action: 'Deny', to: [{ domainNames: ['*.example.com'] }] }] })]);
    expect(between(deny, X, Y)).toBe('none');
    expect(deny[`${X} => 0.0.0.0/0`]).toBeUndefined();
  });

  it('resolves namedPort on the destination pod with the containerPort protocol', () => {
    const c = connectivity([
      ns('x'),
      ns('y'),
      pod('x', 'app', { labels: { app: 'app' } }),
      pod('y', 'app', { labels: { app: 'app' }, ports: [{ name: 'metrics', containerPort: 9100 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] }),
      anp('p', { priority: 1, subject: allNs, ingress: [{ action: 'Allow', from: [{ namespaces: {} }], ports: [{ namedPort: 'dns' }] }, { action: 'Deny', from: [{ namespaces: {} }] }] }),
    ]);
    expect(between(c, X, Y)).toBe('UDP 53');
  });

  it('warns when two AdminNetworkPolicies share a priority', () => {
    const a = analyse([...base(), anp('one', { priority: 7, subject: allNs, ingress: [] }), anp('two', { priority: 7, subject: allNs, ingress: [] })]);
    expect(a.problems.some((p) => p.severity === 'warning' && /same priority \(7\)/.test(p.message))).toBe(true);
  });

  it('rejects a BaselineAdminNetworkPolicy not named default and a Pass action in it', () => {
    const a = analyse([...base(), banp({ subject: allNs, ingress: [{ action: 'Pass', from: [{ namespaces: {} }] }] }, 'other')]);
    const fields = a.problems.filter((p) => p.severity === 'error').map((p) => p.field);
    expect(fields).toContain('metadata.name');
    expect(fields).toContain('spec.ingress[0].action');
  });
});
