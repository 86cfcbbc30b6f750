import type { FunctionDeployment } from './function-deployments.js';

/**
 * Cloud Run's published Tier 1 prices (USD) for an idle instance kept by min-instances under request-based
 * billing, the default of Cloud Run functions (cloud.google.com/run/pricing, read 2026-12-01).
 */
export const IdlePrice = { vcpuSecond: 0.0000025, gibSecond: 0.0000025 } as const;

const SECONDS_PER_MONTH = 30 * 24 * 3600;

/** The monthly cost of keeping `count` idle instances of a function, in USD. */
export function estimateIdleCost(fn: Pick<FunctionDeployment, 'cpu' | 'memory'>, count: number): number {
  const gib = { '256Mi': 0.25, '512Mi': 0.5, '1Gi': 1 }[fn.memory];
  return count * SECONDS_PER_MONTH * (fn.cpu * IdlePrice.vcpuSecond + gib * IdlePrice.gibSecond);
}

/** The cost of warm instances in words, for the plan's printout. */
export function describeIdleCost(fn: FunctionDeployment, count: number): string {
  const usd = estimateIdleCost(fn, count).toFixed(2);
  return (
    `${fn.name} keeps ${count} instance(s) of ${fn.cpu} vCPU and ${fn.memory} warm: about $${usd} a month while idle ` +
    '(Cloud Run Tier 1 idle prices, $0.0000025 per vCPU-second and per GiB-second; requests are billed as usual). ' +
    'Set --min-instances 0 to let it scale to zero again.'
  );
}
