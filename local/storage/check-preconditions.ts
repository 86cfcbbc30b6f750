import { invalidRequest, preconditionFailed } from './create-storage-error.js';
import type { StorageError } from './create-storage-error.js';

export const PreconditionNames = [
  'ifGenerationMatch',
  'ifGenerationNotMatch',
  'ifMetagenerationMatch',
  'ifMetagenerationNotMatch',
] as const;
export type PreconditionName = (typeof PreconditionNames)[number];
export type Preconditions = Partial<Record<PreconditionName, number>>;

export type ParsedPreconditions =
  { success: true; data: Preconditions } | { success: false; error: StorageError };

/** Reads the four precondition query parameters; a value that is not a whole number is a 400, as in Cloud Storage. */
export function parsePreconditions(query: URLSearchParams): ParsedPreconditions {
  const data: Preconditions = {};
  for (const name of PreconditionNames) {
    const raw = query.get(name);
    if (raw === null) continue;
    if (!/^-?\d+$/.test(raw)) {
      return { success: false, error: invalidRequest(`Invalid argument for ${name}: ${raw}`) };
    }
    data[name] = Number(raw);
  }
  return { success: true, data };
}

export interface Versioned {
  generation: number;
  metageneration: number;
}

type Verdict = 'held' | 'matchFailed' | 'notMatchFailed';

function evaluate(current: Versioned | undefined, conditions: Preconditions): Verdict {
  const { ifGenerationMatch, ifGenerationNotMatch, ifMetagenerationMatch, ifMetagenerationNotMatch } =
    conditions;
  if (ifGenerationMatch !== undefined && ifGenerationMatch !== (current?.generation ?? 0))
    return 'matchFailed';
  if (ifMetagenerationMatch !== undefined && ifMetagenerationMatch !== current?.metageneration)
    return 'matchFailed';
  // With no live object a "not match" condition fails: the API documents that it needs a live version.
  if (ifGenerationNotMatch !== undefined && (!current || current.generation === ifGenerationNotMatch)) {
    return 'notMatchFailed';
  }
  if (
    ifMetagenerationNotMatch !== undefined &&
    (!current || current.metageneration === ifMetagenerationNotMatch)
  ) {
    return 'notMatchFailed';
  }
  return 'held';
}

/** Checks a write's preconditions against the live object or its absence (where only `ifGenerationMatch=0` holds): any failure is a 412. */
export function checkWritePreconditions(
  current: Versioned | undefined,
  conditions: Preconditions,
): StorageError | undefined {
  return evaluate(current, conditions) === 'held' ? undefined : preconditionFailed();
}

/** Checks a read's preconditions: a failed `...Match` is a 412, a failed `...NotMatch` is 304 Not Modified, as Cloud Storage answers GETs. */
export function checkReadPreconditions(
  current: Versioned,
  conditions: Preconditions,
): 'held' | 'notModified' | StorageError {
  const verdict = evaluate(current, conditions);
  if (verdict === 'matchFailed') return preconditionFailed();
  return verdict === 'notMatchFailed' ? 'notModified' : 'held';
}
