import type { PublishedFiles } from '../../shared/ports/published-files.js';

export interface FakeRegistry extends PublishedFiles {
  files: Map<string, string[]>;
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
      return registry.files.get(`${name}==${version}`) ?? [];
    },
  };
  return registry;
}
