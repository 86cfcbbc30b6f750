import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPackageRoot } from '../../local/stack/find-package-root.js';
import { isPortFree } from '../../local/net/is-port-free.js';
import { readPorts } from '../../local/stack/read-ports.js';
import { runCli } from './run-cli.js';

// Tests never listen on firebase.json's ports (theirs are ephemeral), so the registry's is free unless a developer's stack holds it.
const { registry } = readPorts(join(findPackageRoot(), 'firebase.json'));
let squatter: Server | undefined;

beforeAll(async () => {
  if (!(await isPortFree(registry))) return;
  squatter = createServer();
  await new Promise<void>((resolve) => squatter?.listen(registry, '127.0.0.1', resolve));
});
afterAll(() => new Promise<void>((resolve) => (squatter ? squatter.close(() => resolve()) : resolve())));

describe('pkgrelay start on fixed ports something else holds', () => {
  it('names each taken port and its service, says how to go on, and starts nothing', async () => {
    const root = join(await mkdtemp(join(tmpdir(), 'pkgrelay-taken-')), 'stack');
    const { code, stdout, stderr } = await runCli(['start', '--root', root]);
    const said = stdout + stderr;
    expect(code, said).toBe(1);
    expect(said).toContain(`✗ port ${registry} (the Artifact Registry stand-in) is in use`);
    expect(said).toContain('npm start -- --ephemeral-ports');
    // Refused before anything started: no stack.json, not even the root, and no stack trace.
    expect(said).not.toContain('Starting the local stack');
    expect(said).not.toMatch(/EADDRINUSE|\n\s+at /);
    expect(existsSync(root)).toBe(false);
  });
});
