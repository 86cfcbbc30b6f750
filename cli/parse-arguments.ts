import { InvalidArgumentError } from 'commander';
import { RepositoryName } from '../shared/contracts/repository-name.js';
import { tagNameProblem } from '../shared/contracts/tag-name.js';

/** `owner/name`, checked as the release request checks it; commander turns the error into exit code 2. */
export function parseRepository(value: string): string {
  const parsed = RepositoryName.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]?.message ?? 'not "owner/name"');
  return parsed.data;
}

/** A git tag name. */
export function parseTag(value: string): string {
  const problem = tagNameProblem(value);
  if (problem) throw new InvalidArgumentError(`not a valid git tag name: it ${problem}`);
  return value;
}

/** A whole number of seconds, 0 or more. */
export function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(seconds))
    throw new InvalidArgumentError('must be a whole number of seconds');
  return seconds;
}
