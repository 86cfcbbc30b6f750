import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface GitCall {
  argv: string[];
  /** The names of the environment variables git ran with (never their values). */
  envNames: string[];
}

/**
 * A folder holding a `git` that records each call's argv and environment names, then runs the real git:
 * put it first on PATH (or pass its `git`) to see how pkgrelay calls git.
 */
export async function createGitRecorder(
  dir: string,
): Promise<{ bin: string; git: string; calls: () => Promise<GitCall[]> }> {
  const bin = join(dir, 'bin');
  const log = join(dir, 'git-calls.jsonl');
  await mkdir(bin, { recursive: true });
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const node = process.execPath;
  // Node writes the record, so no argument is ever mangled by shell quoting.
  const record = `const fs=require('fs');fs.appendFileSync(${JSON.stringify(log)},JSON.stringify({argv:process.argv.slice(1),envNames:Object.keys(process.env).sort()})+'\\n')`;
  await writeFile(
    join(bin, 'git'),
    `#!/bin/sh\n${JSON.stringify(node)} -e ${shellQuote(record)} -- "$@"\nexec ${JSON.stringify(real)} "$@"\n`,
  );
  await chmod(join(bin, 'git'), 0o755);
  return {
    bin,
    git: join(bin, 'git'),
    calls: async () => {
      const text = await readFile(log, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as GitCall);
    },
  };
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
