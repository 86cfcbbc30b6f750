import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isPortFree } from '../net/is-port-free.js';
import { EPHEMERAL_PORTS, type StackPorts } from './read-ports.js';
import type { StackInfo } from './stack-info.js';
import { writePrivateFile } from './write-private-file.js';

/** `<root>/ports.json`: the ports a stack last listened on, kept after it stops (stack.json is not). */
export const PORTS_FILE = 'ports.json';

/** Records the ports a started stack listens on, so its next start on free ports can take them again. */
export async function rememberPorts(rootDir: string, info: StackInfo): Promise<void> {
  const ports: StackPorts = {
    pubsub: portOf(`http://${info.pubsub.host}`),
    storage: portOf(info.storage.host),
    cloudbuild: portOf(info.cloudbuild.host),
    registry: portOf(info.registry.url),
    secretmanager: portOf(info.secretmanager.host),
    functions: Object.fromEntries(Object.entries(info.functions).map(([name, url]) => [name, portOf(url)])),
  };
  await writePrivateFile(join(rootDir, PORTS_FILE), JSON.stringify(ports, null, 2) + '\n');
}

/**
 * Free ports for a stack on `rootDir`: the ones it had last time where nothing else holds them now, a
 * fresh one elsewhere. The records it kept (a job's build log URL) name its old addresses, which then
 * still answer.
 */
export async function choosePortsAgain(rootDir: string): Promise<StackPorts> {
  let last: StackPorts;
  try {
    last = JSON.parse(await readFile(join(rootDir, PORTS_FILE), 'utf8')) as StackPorts;
  } catch {
    return EPHEMERAL_PORTS;
  }
  const again = async (port: number | undefined): Promise<number> =>
    port && (await isPortFree(port)) ? port : 0;
  const functions = await Promise.all(
    Object.entries(last.functions ?? {}).map(async ([name, port]) => [name, await again(port)] as const),
  );
  return {
    pubsub: await again(last.pubsub),
    storage: await again(last.storage),
    cloudbuild: await again(last.cloudbuild),
    registry: await again(last.registry),
    secretmanager: await again(last.secretmanager),
    functions: Object.fromEntries(functions),
  };
}

function portOf(url: string): number {
  return Number(new URL(url).port) || 0;
}
