import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCodeCaches } from './write-code-caches.js';

// Bundled as precompile.js into each function folder that has precompiled packages, and run there
// by `npm run build` and by the deployed folder's `gcp-build` script.
const dir = join(dirname(fileURLToPath(import.meta.url)), 'precompiled');
for (const { file, bytes, ms } of writeCodeCaches(dir))
  process.stdout.write(
    `code cache for ${relative(process.cwd(), file)}: ${Math.round(bytes / 1024)} KB in ${ms} ms\n`,
  );
