import type { PolicyCheck, FindingDraft } from '../check.js';

export const exceptionExpired: PolicyCheck = {
  id: 'exception-expired',
  needs: 'policies',
  title: 'Expired exception',
  category: 'governance',
  defaultSeverity: 'medium',
  rationale:
    'Exceptions are accepted risks with an owner and an end date. Once expired they stop suppressing findings, and the exception itself needs a decision: fix the finding, or renew the exception with a fresh justification.',
  remediation: 'Fix the suppressed findings, or renew the exception (new expiry, owner sign-off) in the configuration.',
  controls: ['PCI-1.2.7'],
  run({ settings, today, cluster }) {
    const out: FindingDraft[] = [];
    settings.exceptions.forEach((e, i) => {
      if (e.expires >= today) return;
      if (e.cluster && e.cluster !== cluster) return;
      const scope = [e.cluster && `cluster ${e.cluster}`, e.namespace && `namespace ${e.namespace}`, e.workload, e.policy && `policy ${e.policy}`].filter(Boolean).join(', ');
      out.push({
        ...(e.namespace ? { namespace: e.namespace } : {}),
        ...(e.workload ? { workload: e.workload } : {}),
        ...(e.policy ? { policy: e.policy } : {}),
        subject: `exceptions[${i}]:${e.check}`,
        message: `exception for ${e.check}${scope ? ` (${scope})` : ''} owned by ${e.owner} expired on ${e.expires}: "${e.reason}"`,
        details: { exception: e },
      });
    });
    return out;
  },
};
