import { round } from './summarize-samples.js';

export interface TargetCheck {
  target: string;
  /** The measured ratio (or value) the target is about. */
  value: number;
  limit: number;
  comparison: '<=' | '>=' | '<';
  verdict: 'PASS' | 'MISS';
}

/** Checks one target; benchmarks report a MISS, they never fail a build. */
export function judge(
  target: string,
  value: number,
  comparison: TargetCheck['comparison'],
  limit: number,
): TargetCheck {
  const ok = comparison === '<=' ? value <= limit : comparison === '>=' ? value >= limit : value < limit;
  return {
    target,
    value: round(value, 3),
    limit,
    comparison,
    verdict: ok && Number.isFinite(value) ? 'PASS' : 'MISS',
  };
}
