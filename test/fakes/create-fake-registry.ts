import type { PublishedFiles } from '../../shared/ports/published-files.js';
import type { ListedFile } from '../../shared/registry/parse-simple-project-page.js';

export interface FakeRegistry extends PublishedFiles {
  /** By `name==version`: file names (no digest stated) or files with their sha256. */
  files: Map<string, Array<string | ListedFile>>;
  /** Makes the next `list` calls reject, as an unreachable registry would. */
  failLists(times: number): void;
}

/** The registry's files by `name==version`. */
export function createFakeRegistry(): FakeRegistry {
  let failures = 0;
  const registry: FakeRegistry = {
    files: new Map(),
    failLists: (times) => (failures = times),
    async list(name, version) {
      if (failures > 0) {
        failures--;
        throw new Error('the registry answered 503 (fake)');
      }
      return (registry.files.get(`${name}==${version}`) ?? []).map((file) =>
        typeof file === 'string' ? { filename: file, sha256: undefined } : file,
      );
    },
  };
  return registry;
}
