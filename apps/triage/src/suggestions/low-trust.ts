export interface LowTrustFlag {
  flagged: boolean;
  prankRejections: number;
  reason: string | null;
}

/**
 * Warns the operator that earlier reports from this caller were rejected as prank. A warning only:
 * the report is still triaged, because a prank caller can also be in real trouble.
 */
export function lowTrustFlag(prankRejections: number, threshold: number): LowTrustFlag {
  if (!Number.isInteger(threshold) || threshold < 1) {
    throw new RangeError(`low-trust threshold must be a whole number of at least 1, got ${threshold}`);
  }
  if (prankRejections < threshold) return { flagged: false, prankRejections, reason: null };
  const times = prankRejections === 1 ? 'once' : `${prankRejections} times`;
  return { flagged: true, prankRejections, reason: `caller's reports were rejected as prank ${times}` };
}
