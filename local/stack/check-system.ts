import { execFileSync } from 'node:child_process';
import type { SandboxKind } from '../cloudbuild/place-step-in-sandbox.js';
import { SYSTEM_PYTHON } from '../python/install-from-index.js';

interface Requirement {
  what: string;
  probe: [string, string[]];
  install: string;
}

const REQUIREMENTS: Requirement[] = [
  {
    what: 'Java (for the Pub/Sub emulator)',
    probe: ['java', ['-version']],
    install: 'apt-get install openjdk-17-jre-headless',
  },
  {
    what: 'bubblewrap (the sandbox each local build step runs in)',
    probe: ['bwrap', ['--version']],
    install: 'apt-get install bubblewrap',
  },
  { what: 'git', probe: ['git', ['--version']], install: 'apt-get install git' },
  {
    what: "Python's build module",
    probe: [SYSTEM_PYTHON, ['-m', 'build', '--version']],
    install: 'apt-get install python3-build python3-venv',
  },
  {
    what: 'twine',
    probe: [SYSTEM_PYTHON, ['-m', 'twine', '--version']],
    install: 'apt-get install twine',
  },
];

/**
 * Names every missing system dependency with the command that installs it; empty when all are there.
 * bubblewrap is not needed when build steps run unsandboxed.
 */
export function findMissingSystemDependencies({
  sandbox = 'bwrap',
}: { sandbox?: SandboxKind } = {}): string[] {
  const missing: string[] = [];
  for (const requirement of REQUIREMENTS) {
    if (sandbox === 'none' && requirement.probe[0] === 'bwrap') continue;
    try {
      execFileSync(requirement.probe[0], requirement.probe[1], { stdio: 'ignore', timeout: 20_000 });
    } catch {
      missing.push(`${requirement.what} is missing: install it with \`${requirement.install}\``);
    }
  }
  return missing;
}
