import { createUpstreamRepository } from '../../local/demo/create-upstream-repository.js';
import type { Fixture } from './read-fixture.js';

/** Makes the fixture's bare upstream: its files in one commit under the first tag, one more commit per later tag. */
export function createFixtureUpstream(upstreamsDir: string, fixture: Fixture): Promise<string> {
  return createUpstreamRepository(
    upstreamsDir,
    fixture.manifest.repository,
    fixture.manifest.releases.map((release, index) => ({
      files: index === 0 ? fixture.files : {},
      tag: release.tag,
      annotated: release.annotated,
    })),
  );
}
