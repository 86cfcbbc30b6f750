import type { Plugin } from 'esbuild';
import { readStepFiles } from '../shared/build/steps/read-step-files.js';

/** An esbuild plugin that replaces `readStepFiles` with the files themselves: a bundle reads nothing from disk. */
export function embedStepFiles(): Plugin {
  return {
    name: 'pkgrelay-embed-step-files',
    setup(build) {
      build.onLoad({ filter: /shared[\\/]build[\\/]steps[\\/]read-step-files\.ts$/ }, () => ({
        contents: `const FILES = ${JSON.stringify(readStepFiles())};\nexport function readStepFiles() { return FILES; }\n`,
        loader: 'js',
      }));
    },
  };
}
