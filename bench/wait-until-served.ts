import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls the index's PEP 691 page of `project` until it lists `filename`, as pip would find it, and
 * returns the `performance.now()` of the poll that saw it: both sides of a benchmark end the same way.
 */
export async function waitUntilServed(
  registryUrl: string,
  project: string,
  filename: string,
  { intervalMs = 50, timeoutMs = 600_000 } = {},
): Promise<number> {
  const page = new URL(`simple/${project}/`, registryUrl);
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const response = await fetch(page, { headers: { accept: 'application/vnd.pypi.simple.v1+json' } });
    const seenAt = performance.now();
    if (response.ok) {
      const { files } = (await response.json()) as { files: Array<{ filename: string }> };
      if (files.some((file) => file.filename === filename)) return seenAt;
    } else {
      await response.body?.cancel();
    }
    await sleep(intervalMs);
  }
  throw new Error(`${page.href} did not list ${filename} within ${timeoutMs} ms`);
}
