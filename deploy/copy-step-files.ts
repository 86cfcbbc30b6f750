import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Puts the build steps' Python beside the compiled code in lib/, where `readStepFiles` looks for it. */
export async function copyStepFiles(rootDir: string): Promise<void> {
  const from = join(rootDir, 'shared', 'build', 'python');
  await cp(from, join(rootDir, 'lib', 'shared', 'build', 'python'), {
    recursive: true,
    filter: (path) => !/__pycache__|\.pytest_cache/.test(path),
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await copyStepFiles(process.cwd());
}
