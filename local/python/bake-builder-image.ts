import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import type { LocalImage } from '../cloudbuild/place-step-in-sandbox.js';
import { SYSTEM_PYTHON } from './install-from-index.js';
import { installPinnedTools, SHARED_BUILD_CACHE, StepRequirements } from './install-pinned-tools.js';

const run = promisify(execFile);

export interface BakedImage extends LocalImage {
  /** The name to set as PKGRELAY_BUILDER_IMAGE: `{python}` is the package's Python version, as deployed. */
  name: string;
  /** Host folders of its tools' scripts and packages, for running them outside a sandbox (the benchmark's floor). */
  tools: { bin: string; site: string };
}

/**
 * The local stand-in of the deployed builder image (deploy/builder-image/Dockerfile): the steps' pinned
 * tools installed into the Python the steps run with, and their requirements files in /opt/pkgrelay,
 * where install_tools finds them and installs nothing. Made once per set of pins under `cacheDir/images/`.
 */
export async function bakeBuilderImage(cacheDir = SHARED_BUILD_CACHE): Promise<BakedImage> {
  const { stdout } = await run(SYSTEM_PYTHON, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])']);
  const version = stdout.trim();
  const pins = StepRequirements.map((file) => ({ name: basename(file), text: readFileSync(file) }));
  const hash = createHash('sha256').update(version);
  for (const pin of pins) hash.update('\0').update(pin.text);
  const digest = hash.digest('hex').slice(0, 12);
  const root = join(cacheDir, 'images', digest);
  const layout = {
    bin: 'usr/local/bin',
    site: `usr/local/lib/python${version}/dist-packages`,
    pins: 'opt/pkgrelay',
  };
  if (!existsSync(join(root, layout.pins))) await bake(root, layout, pins, cacheDir);
  const binds = Object.values(layout).map((path) => ({ source: join(root, path), target: `/${path}` }));
  const pattern = new RegExp(`^localhost/pkgrelay/builder:py[0-9.]+-${digest}$`);
  return {
    name: `localhost/pkgrelay/builder:py{python}-${digest}`,
    matches: (image) => pattern.test(image),
    binds,
    tools: { bin: join(root, layout.bin), site: join(root, layout.site) },
  };
}

// Built beside its final place and renamed into it: a stack starting at the same time uses one or the other whole.
async function bake(
  root: string,
  layout: { bin: string; site: string; pins: string },
  pins: { name: string; text: Buffer }[],
  cacheDir: string,
): Promise<void> {
  const staging = `${root}.${process.pid}.${Date.now()}`;
  try {
    const site = join(staging, layout.site);
    await installPinnedTools(site, cacheDir, StepRequirements);
    await mkdir(join(staging, layout.bin, '..'), { recursive: true });
    await rename(join(site, 'bin'), join(staging, layout.bin));
    await mkdir(join(staging, layout.pins), { recursive: true });
    for (const pin of pins) await writeFile(join(staging, layout.pins, pin.name), pin.text);
    await rename(staging, root).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
