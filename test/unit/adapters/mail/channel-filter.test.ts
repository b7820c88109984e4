import { describe, expect, it } from 'vitest';
import { channelNamespaces, channelSeesNamespace, describeNamespaceFilter, type NamespaceIdentity } from '../../../../src/adapters/mail/channel-filter.js';

const namespaces: NamespaceIdentity[] = [
  { name: 'payments', labels: { team: 'payments', tier: 'pci' } },
  { name: 'payments-batch', labels: { team: 'payments' } },
  { name: 'shop', labels: { team: 'shop', tier: 'pci' } },
  { name: 'monitoring', labels: {} },
  { name: 'proto', labels: JSON.parse('{"constructor":"x"}') as Record<string, string> },
];

describe('channel namespace filter', () => {
  it('sees every namespace without a filter', () => {
    expect(channelNamespaces(undefined, namespaces)).toEqual(['monitoring', 'payments', 'payments-batch', 'proto', 'shop']);
  });

  it('matches names exactly', () => {
    expect(channelNamespaces({ names: ['payments', 'absent'] }, namespaces)).toEqual(['payments']);
    expect(channelSeesNamespace({ names: ['pay'] }, namespaces[0]!)).toBe(false);
  });

  it('matches labels only when all of them match', () => {
    expect(channelNamespaces({ labels: { team: 'payments' } }, namespaces)).toEqual(['payments', 'payments-batch']);
    expect(channelNamespaces({ labels: { team: 'payments', tier: 'pci' } }, namespaces)).toEqual(['payments']);
    expect(channelNamespaces({ labels: { tier: '' } }, namespaces)).toEqual([]);
  });

  it('ORs names and labels', () => {
    expect(channelNamespaces({ names: ['monitoring'], labels: { tier: 'pci' } }, namespaces)).toEqual(['monitoring', 'payments', 'shop']);
  });

  it('sees nothing with an empty filter, rather than everything', () => {
    expect(channelNamespaces({}, namespaces)).toEqual([]);
    expect(channelNamespaces({ names: [], labels: {} }, namespaces)).toEqual([]);
  });

  it('does not match inherited object properties as labels', () => {
    expect(channelNamespaces({ labels: { toString: 'x' } }, namespaces)).toEqual([]);
    expect(channelNamespaces({ labels: { constructor: 'x' } }, namespaces)).toEqual(['proto']);
  });

  it('describes the scope for the report', () => {
    expect(describeNamespaceFilter(undefined)).toBeUndefined();
    expect(describeNamespaceFilter({ names: ['shop', 'payments'] })).toBe('namespaces payments, shop');
    expect(describeNamespaceFilter({ names: ['shop'], labels: { tier: 'pci', team: 'x' } })).toBe('namespace shop or namespaces labelled team=x, tier=pci');
    expect(describeNamespaceFilter({})).toBe('no namespaces (empty filter)');
  });
});
