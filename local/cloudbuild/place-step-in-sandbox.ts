import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { posix, relative } from 'node:path';
import { findProgramInSandbox } from './find-program-in-sandbox.js';

/** How the stand-in runs a step: under bubblewrap, seeing what a container would, or as a plain host process. */
export const SandboxKind = ['bwrap', 'none'] as const;
export type SandboxKind = (typeof SandboxKind)[number];

/** Whether a configured value names a sandbox kind. */
export function isSandboxKind(value: string): value is SandboxKind {
  return (SandboxKind as readonly string[]).includes(value);
}

export const BwrapPath = '/usr/bin/bwrap';

/** One folder of a step's image, bound read-only at the path the step sees it at. */
export interface ImageBind {
  source: string;
  target: string;
}

/** An image the stand-in has locally: what a step whose image name it matches sees over the system. */
export interface LocalImage {
  matches(image: string): boolean;
  binds: readonly ImageBind[];
}

/** The host folders one step works in. */
export interface StepMounts {
  workspace: string;
  home: string;
  output: string;
  cache?: string | undefined;
  /** The step image's own folders; none for an image the stand-in runs as the host's system. */
  image?: readonly ImageBind[] | undefined;
}

/** Where the step itself sees each of its mounts: the paths its environment names. */
export interface StepPaths {
  workspace: string;
  home: string;
  output: string;
  cache?: string | undefined;
}

/** A host process to start; `fd3`, when set, is written to its fd 3 (bwrap's options, read with `--args 3`). */
export interface StepLaunchData {
  program: string;
  args: string[];
  cwd: string;
  fd3?: string;
}

export type StepLaunch = { success: true; data: StepLaunchData } | { success: false; error: string };

/** Cloud Build's own paths in a step's container. */
const Inside = {
  workspace: '/workspace',
  home: '/builder/home',
  output: '/builder/outputs',
  cache: '/builder/cache',
};

// The root's system folders; on merged-/usr systems most are symlinks into /usr, recreated as such.
const SystemRoots = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

// What of the host's /etc a step needs (DNS, TLS roots, users, the dynamic linker, Debian's alternatives);
// the rest (shadow, ssh keys, pip.conf, gitconfig, machine-id) is the host's, not a container's.
const EtcEntries = [
  'alternatives',
  'ca-certificates',
  'ca-certificates.conf',
  'debian_version',
  'gai.conf',
  'group',
  'host.conf',
  'hosts',
  'ld.so.cache',
  'ld.so.conf',
  'ld.so.conf.d',
  'localtime',
  'mime.types',
  'nsswitch.conf',
  'os-release',
  'passwd',
  'protocols',
  'python3',
  'resolv.conf',
  'services',
  'ssl',
  'timezone',
];

/** Where a step of this kind sees its mounts. */
export function stepPaths(kind: SandboxKind, mounts: StepMounts): StepPaths {
  if (kind === 'none') return { ...mounts };
  return {
    workspace: Inside.workspace,
    home: Inside.home,
    output: Inside.output,
    ...(mounts.cache ? { cache: Inside.cache } : {}),
  };
}

/**
 * The host process that runs `program` in `cwd` (a folder inside the workspace): itself, or bubblewrap
 * around it with only the workspace, its home and output, the caches and the system read-only.
 */
export function placeStep(
  kind: SandboxKind,
  command: { program: string; args: string[]; cwd: string; path: string },
  mounts: StepMounts,
): StepLaunch {
  const { program, args, cwd } = command;
  if (kind === 'none') return { success: true, data: { program, args, cwd } };
  const inside = posix.join(Inside.workspace, relative(mounts.workspace, command.cwd));
  if (!findProgramInSandbox(program, command.path, inside, mounts.workspace)) {
    return { success: false, error: `exec: "${program}": executable file not found in $PATH` };
  }
  const options = [
    '--unshare-all',
    '--share-net',
    '--die-with-parent',
    // Its own session: no controlling terminal to push input into (TIOCSTI).
    '--new-session',
    '--ro-bind',
    '/usr',
    '/usr',
    ...SystemRoots.flatMap(systemRoot),
    ...etcEntries().flatMap((entry) => ['--ro-bind-try', `/etc/${entry}`, `/etc/${entry}`]),
    ...(mounts.image ?? []).flatMap((bind) => ['--ro-bind', bind.source, bind.target]),
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--tmpfs',
    '/tmp',
    '--tmpfs',
    '/var/tmp',
    '--bind',
    mounts.workspace,
    Inside.workspace,
    '--bind',
    mounts.home,
    Inside.home,
    '--bind',
    mounts.output,
    Inside.output,
    ...(mounts.cache ? ['--bind', mounts.cache, Inside.cache] : []),
    // Nothing but the binds above is writable: the root bwrap builds is made read-only too.
    '--remount-ro',
    '/',
    '--chdir',
    inside,
  ];
  // Through fd 3, not the command line: the sandbox's pid 1 is bwrap, whose cmdline the step can read.
  const fd3 = options.map((option) => `${option}\0`).join('');
  const wrapped = ['--args', '3', '--', program, ...args];
  return { success: true, data: { program: BwrapPath, args: wrapped, cwd: mounts.workspace, fd3 } };
}

// Debian keeps each Python's sitecustomize in /etc/python3.X, whichever versions are installed.
function etcEntries(): string[] {
  const pythons = readdirSync('/etc').filter((name) => /^python3\.\d+$/.test(name));
  return [...EtcEntries, ...pythons];
}

function systemRoot(path: string): string[] {
  try {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return ['--symlink', readlinkSync(path), path];
    return stat.isDirectory() ? ['--ro-bind', path, path] : [];
  } catch {
    return [];
  }
}
