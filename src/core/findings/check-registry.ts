/** Every check, in one explicit list (sorted by id). Check ids are an interface: exceptions and CI gates use them. */
import type { Check } from './check.js';
import { defaultDenyEgressWithoutDns } from './checks/default-deny-egress-without-dns.js';
import { defaultDenyMissing } from './checks/default-deny-missing.js';
import { defaultDenyNeutralised } from './checks/default-deny-neutralised.js';
import { egressToAnyAddress } from './checks/egress-to-any-address.js';
import { exceptionExpired } from './checks/exception-expired.js';
import { ingressFromAnyAddress } from './checks/ingress-from-any-address.js';
import { namedPortUnresolved } from './checks/named-port-unresolved.js';
import { namespaceMissingSelectedLabels } from './checks/namespace-missing-selected-labels.js';
import { peerAnyNamespace } from './checks/peer-any-namespace.js';
import { podHostNetwork } from './checks/pod-host-network.js';
import { podLabelsUnreferenced } from './checks/pod-labels-unreferenced.js';
import { podMissingRequiredLabels } from './checks/pod-missing-required-labels.js';
import { podNotIsolated } from './checks/pod-not-isolated.js';
import { podUnlabeled } from './checks/pod-unlabeled.js';
import { policyCountGrowth } from './checks/policy-count-growth.js';
import { policyDuplicate } from './checks/policy-duplicate.js';
import { policyRedundant } from './checks/policy-redundant.js';
import { policySelectsNothing } from './checks/policy-selects-nothing.js';
import { rulePeerMatchesNothing } from './checks/rule-peer-matches-nothing.js';
import { workloadCrossNamespaceExposed } from './checks/workload-cross-namespace-exposed.js';
import { workloadInternetExposed } from './checks/workload-internet-exposed.js';

export const CHECKS: readonly Check[] = [
  defaultDenyEgressWithoutDns,
  defaultDenyMissing,
  defaultDenyNeutralised,
  egressToAnyAddress,
  exceptionExpired,
  ingressFromAnyAddress,
  namedPortUnresolved,
  namespaceMissingSelectedLabels,
  peerAnyNamespace,
  podHostNetwork,
  podLabelsUnreferenced,
  podMissingRequiredLabels,
  podNotIsolated,
  podUnlabeled,
  policyCountGrowth,
  policyDuplicate,
  policyRedundant,
  policySelectsNothing,
  rulePeerMatchesNothing,
  workloadCrossNamespaceExposed,
  workloadInternetExposed,
];

export function findCheck(id: string): Check | undefined {
  return CHECKS.find((c) => c.id === id);
}
