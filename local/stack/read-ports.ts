import { readFileSync } from 'node:fs';

export interface StackPorts {
  pubsub: number;
  storage: number;
  cloudbuild: number;
  registry: number;
  secretmanager?: number;
  functions: Record<string, number>;
}

/** The ports `npm start` uses, from firebase.json (Emulator Suite format, plus our keys); all 0 = ephemeral. */
export function readPorts(path = 'firebase.json'): StackPorts {
  const json = JSON.parse(readFileSync(path, 'utf8')) as {
    emulators: Record<string, { port?: number } | Record<string, { port?: number }>>;
  };
  const e = json.emulators as Record<string, { port?: number }>;
  const functions = json.emulators['functions'] as Record<string, { port?: number }> | undefined;
  return {
    pubsub: e['pubsub']?.port ?? 0,
    storage: e['storage']?.port ?? 0,
    cloudbuild: e['cloudbuild']?.port ?? 0,
    registry: e['artifactregistry']?.port ?? 0,
    secretmanager: e['secretmanager']?.port ?? 0,
    functions: Object.fromEntries(
      Object.entries(functions ?? {}).map(([name, value]) => [name, value.port ?? 0]),
    ),
  };
}

export const EPHEMERAL_PORTS: StackPorts = {
  pubsub: 0,
  storage: 0,
  cloudbuild: 0,
  registry: 0,
  functions: {},
};
