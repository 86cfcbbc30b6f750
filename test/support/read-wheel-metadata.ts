import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { SYSTEM_PYTHON } from '../../local/python/install-from-index.js';

const run = promisify(execFile);

const WheelDescription = z.object({
  /** Every METADATA header, each with its values in order (Requires-Dist, License-File, … repeat). */
  metadata: z.record(z.string(), z.array(z.string())),
  description: z.string(),
  entryPoints: z.record(z.string(), z.record(z.string(), z.string())),
  /** Every file but RECORD and WHEEL, which a repair rewrites. */
  files: z.array(z.string()),
  tags: z.array(z.string()),
  rootIsPurelib: z.array(z.string()),
});
export type WheelDescription = z.infer<typeof WheelDescription>;

/** What a wheel says about itself, read by read_wheel_metadata.py with Debian's python. */
export async function readWheelMetadata(wheel: string): Promise<WheelDescription> {
  const { stdout } = await run(SYSTEM_PYTHON, [join(import.meta.dirname, 'read_wheel_metadata.py'), wheel]);
  return WheelDescription.parse(JSON.parse(stdout));
}
