/** The NetworkPolicy rules of shared/notes/networkpolicy-semantics.md, one behaviour per test. */
import { describe, expect, it } from 'vitest';
import { between, connectivity, netpol, ns, pod } from '../../../support/cluster-fixture.js';

const A = 'a/client[Pod]';
const B = 'a/server[Pod]';
const C = 'b/other[Pod]';
const base = () => [
  ns('a'),
  ns('b', { team: 'blue' }),
  pod('a', 'client', { labels: { app: 'client' } }),
  pod('a', 'server', { labels: { app: 'server' }, ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] }),
  pod('b', 'other', { labels: { app: 'other' } }),
];

describe('isolation and defaults', () => {
  it('allows everything, to pods and external addresses, when no policy exists', () => {
    const c = connectivity(base());
    expect(between(c, A, B)).toBe('All Connections');
    expect(between(c, C, A)).toBe('All Connections');
    expect(c[`${A} => 0.0.0.0/0`]).toBe('All Connections');
    expect(c[`0.0.0.0/0 => ${B}`]).toBe('All Connections');
  });

  it('isolates selected pods for ingress with a rule-less policy, leaving egress open', () => {
    const c = connectivity([...base(), netpol('a', 'deny', { podSelector: { matchLabels: { app: 'server' } } })]);
    expect(between(c, A, B)).toBe('none');
    expect(between(c, C, B)).toBe('none');
    expect(c[`0.0.0.0/0 => ${B}`]).toBeUndefined();
    expect(between(c, B, A)).toBe('All Connections');
    expect(c[`${B} => 0.0.0.0/0`]).toBe('All Connections');
  });

  it('treats a policy with only egress rules and no policyTypes as isolating ingress too (trap)', () => {
    const c = connectivity([
      ...base(),
      netpol('a', 'egress-only', { podSelector: { matchLabels: { app: 'server' } }, egress: [{ to: [{ podSelector: {} }] }] }),
    ]);
    expect(between(c, A, B)).toBe('none'); // ingress isolated with zero ingress rules
    expect(between(c, B, A)).toBe('All Connections'); // egress allowed within the namespace
    expect(between(c, B, C)).toBe('none'); // egress isolated: other namespace not allowed
  });

  it('does not isolate egress for `egress: []` without policyTypes (trap)', () => {
    const c = connectivity([...base(), netpol('a', 'p', { podSelector: { matchLabels: { app: 'server' } }, egress: [] })]);
    expect(between(c, B, C)).toBe('All Connections');
    expect(between(c, A, B)).toBe('none'); // still an ingress policy
  });

  it('ignores rules of a direction that policyTypes does not list', () => {
    const c = connectivity([
      ...base(),
      netpol('a', 'p', { podSelector: { matchLabels: { app: 'server' } }, policyTypes: ['Egress'], ingress: [], egress: [{}] }),
    ]);
    expect(between(c, A, B)).toBe('All Connections'); // not ingress-isolated
  });

  it('reads `ingress: [{}]` as allow-all including external sources', () => {
    const c = connectivity([...base(), netpol('a', 'p', { podSelector: {}, ingress: [{}] })]);
    expect(between(c, C, B)).toBe('All Connections');
    expect(c[`0.0.0.0/0 => ${B}`]).toBe('All Connections');
  });

  it('reads empty from and empty ports as "all"', () => {
    const c = connectivity([...base(), netpol('a', 'p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [], ports: [] }] })]);
    expect(between(c, C, B)).toBe('All Connections');
    expect(c[`0.0.0.0/0 => ${B}`]).toBe('All Connections');
  });

  it('requires both the source egress and the destination ingress to allow a connection', () => {
    const c = connectivity([
      ...base(),
      netpol('a', 'server-in', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 8080 }] }] }),
      netpol('a', 'client-out', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 8080 }, { port: 9090 }] }] }),
    ]);
    expect(between(c, A, B)).toBe('TCP 8080'); // 9090 allowed by egress, not ingress
    expect(c[`${A} => 0.0.0.0/0`]).toBe('TCP 8080,9090'); // external: only the pod side is checked
  });
});

describe('peers', () => {
  it('ANDs namespaceSelector and podSelector inside one peer but ORs separate peers', () => {
    const and = connectivity([
      ...base(),
      pod('b', 'client', { labels: { app: 'client' } }),
      netpol('a', 'p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'blue' } }, podSelector: { matchLabels: { app: 'client' } } }] }] }),
    ]);
    expect(between(and, 'b/client[Pod]', B)).toBe('All Connections');
    expect(between(and, C, B)).toBe('none');
    expect(between(and, A, B)).toBe('none');
    const or = connectivity([
      ...base(),
      pod('b', 'client', { labels: { app: 'client' } }),
      netpol('a', 'p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'blue' } } }, { podSelector: { matchLabels: { app: 'client' } } }] }] }),
    ]);
    expect(between(or, C, B)).toBe('All Connections'); // any pod of team=blue
    expect(between(or, A, B)).toBe('All Connections'); // client in the policy's own namespace
  });

  it('scopes a podSelector-only peer to the policy namespace and a namespaceSelector {} to all namespaces but no external address', () => {
    const c = connectivity([
      ...base(),
      netpol('a', 'p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ namespaceSelector: {} }] }] }),
    ]);
    expect(between(c, C, B)).toBe('All Connections');
    expect(c[`0.0.0.0/0 => ${B}`]).toBeUndefined();
  });

  it('scopes each policy\'s podSelector-only peer to its own namespace, even when two policies share one spec', () => {
    const spec = { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }] }] };
    const c = connectivity([
      ns('x'),
      ns('y'),
      ...['x', 'y'].flatMap((n) => [pod(n, 'client', { labels: { app: 'client' } }), pod(n, 'server', { labels: { app: 'server' } })]),
      netpol('x', 'from-client', spec),
      netpol('y', 'from-client', spec),
    ]);
    expect(between(c, 'x/client[Pod]', 'x/server[Pod]')).toBe('All Connections');
    expect(between(c, 'y/client[Pod]', 'y/server[Pod]')).toBe('All Connections');
    expect(between(c, 'x/client[Pod]', 'y/server[Pod]')).toBe('none');
    expect(between(c, 'y/client[Pod]', 'x/server[Pod]')).toBe('none');
  });

  it('selects namespaces by the kubernetes.io/metadata.name label, even for undeclared namespaces', () => {
    const c = connectivity([
      pod('a', 'server', { labels: { app: 'server' } }),
      pod('implicit', 'x'),
      pod('elsewhere', 'y'),
      netpol('a', 'p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'implicit' } } }] }] }),
    ]);
    expect(between(c, 'implicit/x[Pod]', B)).toBe('All Connections');
    expect(between(c, 'elsewhere/y[Pod]', B)).toBe('none');
  });

  it('implements every matchExpressions operator; NotIn and DoesNotExist match pods without the key', () => {
    const objects = (expr: unknown) => [
      pod('a', 'server', { labels: { app: 'server' } }),
      pod('a', 'blue', { labels: { color: 'blue' } }),
      pod('a', 'red', { labels: { color: 'red' } }),
      pod('a', 'plain', { labels: {} }),
      netpol('a', 'p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ podSelector: { matchExpressions: [expr] } }] }] }),
    ];
    const allowed = (expr: unknown) => {
      const c = connectivity(objects(expr));
      return ['blue', 'red', 'plain'].filter((p) => between(c, `a/${p}[Pod]`, B) !== 'none');
    };
    expect(allowed({ key: 'color', operator: 'In', values: ['blue'] })).toEqual(['blue']);
    expect(allowed({ key: 'color', operator: 'NotIn', values: ['blue'] })).toEqual(['red', 'plain']);
    expect(allowed({ key: 'color', operator: 'Exists' })).toEqual(['blue', 'red']);
    expect(allowed({ key: 'color', operator: 'DoesNotExist' })).toEqual(['plain']);
  });
});

describe('ports', () => {
  it('pairs ports with peers per rule, never as a cross product across rules', () => {
    const c = connectivity([
      ...base(),
      netpol('a', 'p', {
        podSelector: { matchLabels: { app: 'server' } },
        ingress: [
          { from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 80 }] },
          { from: [{ namespaceSelector: { matchLabels: { team: 'blue' } } }], ports: [{ port: 81 }] },
        ],
      }),
    ]);
    expect(between(c, A, B)).toBe('TCP 80');
    expect(between(c, C, B)).toBe('TCP 81');
  });

  it('defaults protocol to TCP and keeps UDP and SCTP rules from opening TCP', () => {
    const c = connectivity([
      ...base(),
      netpol('a', 'p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ ports: [{ port: 53, protocol: 'UDP' }, { port: 9000, protocol: 'SCTP' }, { port: 443 }] }] }),
    ]);
    expect(between(c, A, B)).toBe('TCP 443;UDP 53;SCTP 9000');
  });

  it('matches every port of a protocol when a port entry has only a protocol', () => {
    const c = connectivity([...base(), netpol('a', 'p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ ports: [{ protocol: 'UDP' }] }] })]);
    expect(between(c, A, B)).toBe('UDP 1-65535');
  });

  it('supports endPort ranges, including endPort equal to port', () => {
    const c = connectivity([
      ...base(),
      netpol('a', 'p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ ports: [{ port: 8000, endPort: 8080 }, { port: 9000, endPort: 9000 }] }] }),
    ]);
    expect(between(c, A, B)).toBe('TCP 8000-8080,9000');
  });

  it('resolves an ingress named port on the selected pod, for pod and external sources alike', () => {
    const c = connectivity([...base(), netpol('a', 'p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ ports: [{ port: 'http' }] }] })]);
    expect(between(c, A, B)).toBe('TCP 8080');
    expect(c[`0.0.0.0/0 => ${B}`]).toBe('TCP 8080');
  });

  it('matches nothing when the named containerPort has a different protocol (trap)', () => {
    const c = connectivity([...base(), netpol('a', 'p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ ports: [{ port: 'dns' }] }] })]);
    expect(between(c, A, B)).toBe('none'); // dns is UDP, the entry defaulted to TCP
    const udp = connectivity([...base(), netpol('a', 'p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ ports: [{ port: 'dns', protocol: 'UDP' }] }] })]);
    expect(between(udp, A, B)).toBe('UDP 53');
  });

  it('resolves an egress named port on each destination pod and never on external addresses', () => {
    const c = connectivity([
      ...base(),
      pod('b', 'web', { labels: { app: 'web' }, ports: [{ name: 'http', containerPort: 80 }] }),
      netpol('a', 'p', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] }),
    ]);
    expect(between(c, A, B)).toBe('TCP 8080');
    expect(between(c, A, 'b/web[Pod]')).toBe('TCP 80');
    expect(between(c, A, C)).toBe('none'); // no port named http there
    expect(c[`${A} => 0.0.0.0/0`]).toBeUndefined();
  });
});

describe('ipBlock', () => {
  it('allows a CIDR minus its except ranges, merged into maximal ranges', () => {
    const c = connectivity([
      ...base(),
      netpol('a', 'p', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }] }),
    ]);
    expect(c[`${A} => 10.0.0.0/16`]).toBe('All Connections');
    expect(c[`${A} => 10.2.0.0-10.255.255.255`]).toBe('All Connections');
    expect(c[`${A} => 10.1.0.0/16`]).toBeUndefined();
  });

  it('still allows an except range that another rule allows (trap)', () => {
    const c = connectivity([
      ...base(),
      netpol('a', 'p', {
        podSelector: { matchLabels: { app: 'client' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }, { to: [{ ipBlock: { cidr: '10.1.2.0/24' } }], ports: [{ port: 443 }] }],
      }),
    ]);
    expect(c[`${A} => 10.1.2.0/24`]).toBe('TCP 443');
    expect(c[`${A} => 10.0.0.0/16`]).toBe('All Connections');
  });

  it('masks host bits of a CIDR (10.244.1.5/16 is 10.244.0.0/16)', () => {
    const c = connectivity([...base(), netpol('a', 'p', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.244.1.5/16' } }] }] })]);
    expect(c[`${A} => 10.244.0.0/16`]).toBe('All Connections');
  });

  it('handles IPv6 blocks when the cluster is IPv6 and ignores them (with a warning) when it is IPv4-only', () => {
    const objects = [
      ...base(),
      netpol('a', 'p', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] } }] }] }),
    ];
    const v6 = connectivity(objects, { ipFamilies: 'ipv6' });
    expect(v6[`${A} => 2001:db8::/48`]).toBe('All Connections');
    expect(v6[`${A} => 2001:db8:2::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff`]).toBe('All Connections');
    const v4 = connectivity(objects);
    expect(Object.keys(v4).filter((k) => k.startsWith(`${A} => `) && !k.includes('['))).toEqual([]);
  });

  it('matches pod IPs with --ipblock-pods=match and only external addresses with ignore', () => {
    const objects = [
      ns('a'),
      pod('a', 'client', { labels: { app: 'client' }, ip: '10.0.0.5' }),
      pod('a', 'server', { labels: { app: 'server' }, ip: '10.0.1.7' }),
      netpol('a', 'p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/24' } }] }] }),
    ];
    expect(between(connectivity(objects, { ipBlockPods: 'match' }), A, B)).toBe('All Connections');
    expect(between(connectivity(objects, { ipBlockPods: 'ignore' }), A, B)).toBe('none');
  });

  it('matches a pod by any of its IPs: excepting one of them leaves the pod matched by the other', () => {
    const twoIps = { ...pod('a', 'client', { labels: { app: 'client' } }), status: { podIPs: [{ ip: '10.0.0.5' }, { ip: '10.0.1.5' }] } };
    // with many other pod classes in the block, an exception of few classes is cleared class by class rather
    // than word by word: both ways must keep the pod whose other IP is outside every exception
    for (const others of [0, 400]) {
      const filler = Array.from({ length: others }, (_, i) => pod('a', `f${i}`, { labels: { app: `f${i}` }, ip: `10.0.${3 + (i >> 8)}.${i & 255}` }));
      const block = (except: string[]) => [
        ns('a'),
        twoIps,
        pod('a', 'lone', { labels: { app: 'lone' }, ip: '10.0.0.6' }),
        pod('a', 'server', { labels: { app: 'server' }, ip: '10.0.2.7' }),
        ...filler,
        netpol('a', 'p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except } }] }] }),
        // the same block without exceptions elsewhere, so the unexcepted range is met first; it also names
        // the filler pods' labels, so that each is a class of its own
        netpol('a', 'q', {
          podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['none', ...filler.map((_, i) => `f${i}`)] }] },
          ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16' } }] }],
        }),
      ];
      const one = connectivity(block(['10.0.0.0/24']), { ipBlockPods: 'match', ipFamilies: 'ipv4' });
      expect(between(one, A, B), `${others} other pods`).toBe('All Connections'); // 10.0.1.5 is still inside
      expect(between(one, 'a/lone[Pod]', B), `${others} other pods`).toBe('none'); // its only IP is excepted
      if (others) expect(between(one, 'a/f0[Pod]', B)).toBe('All Connections');
      const both = connectivity(block(['10.0.0.0/24', '10.0.1.0/24']), { ipBlockPods: 'match', ipFamilies: 'ipv4' });
      expect(between(both, A, B), `${others} other pods`).toBe('none');
    }
  });

  it('does not match a finished pod by its old IP (it may belong to another pod by now)', () => {
    const objects = [
      ns('a'),
      pod('a', 'client', { labels: { app: 'client' }, ip: '10.0.0.5', phase: 'Succeeded' }),
      pod('a', 'server', { labels: { app: 'server' } }),
      netpol('a', 'p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/24' } }] }] }),
    ];
    expect(between(connectivity(objects), A, B)).toBe('none');
  });
});

describe('hostNetwork pods', () => {
  const objects = [
    ns('a'),
    pod('a', 'agent', { labels: { app: 'agent' }, hostNetwork: true, ip: '192.168.1.10' }),
    pod('a', 'server', { labels: { app: 'server' } }),
    netpol('a', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
  ];
  it('are treated like other pods by default (--host-network pod)', () => {
    const c = connectivity(objects);
    expect(between(c, 'a/agent[Pod]', B)).toBe('none');
    expect(c['a/agent[Pod] => 0.0.0.0/0']).toBeUndefined();
  });
  it('bypass pod policies and are seen as their node IP with --host-network node', () => {
    const c = connectivity(objects, { hostNetwork: 'node' });
    expect(c['a/agent[Pod] => 0.0.0.0/0']).toBe('All Connections'); // not isolated by the namespace default-deny
    expect(between(c, B, 'a/agent[Pod]')).toBe('none'); // the server's egress is still denied
    const allowNode = connectivity(
      [...objects, netpol('a', 'from-node', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ ipBlock: { cidr: '192.168.1.0/24' } }] }] })],
      { hostNetwork: 'node', ipBlockPods: 'ignore' },
    );
    expect(between(allowNode, 'a/agent[Pod]', B)).toBe('All Connections'); // node IPs are matched by ipBlock
  });
});
