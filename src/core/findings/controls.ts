/** The compliance controls netpol-audit's checks give evidence for, so reports can be grouped by control. */

export const CONTROLS = {
  'CIS-5.3.2': { framework: 'CIS Kubernetes Benchmark', id: '5.3.2', title: 'Ensure that all Namespaces have Network Policies defined' },
  'NIST-SC-7': { framework: 'NIST SP 800-53', id: 'SC-7', title: 'Boundary Protection' },
  'NIST-SC-7(5)': { framework: 'NIST SP 800-53', id: 'SC-7(5)', title: 'Boundary Protection: Deny by Default — Allow by Exception' },
  'PCI-1.2.7': { framework: 'PCI DSS 4.0', id: '1.2.7', title: 'Configurations of network security controls are reviewed at least once every six months' },
  'PCI-1.3.1': { framework: 'PCI DSS 4.0', id: '1.3.1', title: 'Inbound traffic to the cardholder data environment is restricted' },
  'PCI-1.3.2': { framework: 'PCI DSS 4.0', id: '1.3.2', title: 'Outbound traffic from the cardholder data environment is restricted' },
  'SOC2-CC6.6': { framework: 'SOC 2', id: 'CC6.6', title: 'Logical access security measures against threats from sources outside system boundaries' },
} as const;

export type ControlId = keyof typeof CONTROLS;
export const CONTROL_IDS = Object.keys(CONTROLS) as ControlId[];

export function controlLabel(id: ControlId): string {
  const c = CONTROLS[id];
  return `${c.framework} ${c.id}`;
}
