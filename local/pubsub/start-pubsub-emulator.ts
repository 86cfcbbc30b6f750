import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findFreePort } from '../net/find-free-port.js';
import { waitUntil } from '../net/wait-until.js';
import { stopProcess } from '../net/stop-process.js';

export interface PubSubEmulator {
  /** `127.0.0.1:PORT`, the value for `PUBSUB_EMULATOR_HOST`. */
  host: string;
  port: number;
  pid: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface PubSubEmulatorOptions {
  port?: number;
  sdkRoot?: string;
  onOutput?: (line: string) => void;
  timeoutMs?: number;
}

const INSTALL_HINT =
  'Install the Google Cloud SDK with its Pub/Sub emulator (`gcloud components install pubsub-emulator`, ' +
  'or `apt-get install google-cloud-cli-pubsub-emulator`) and Java 17 (`apt-get install openjdk-17-jre-headless`).';

/** Finds the gcloud SDK root, where the emulator's launcher lives. */
export function findSdkRoot(): string {
  const fromEnv = process.env['PKGRELAY_GCLOUD_SDK_ROOT'];
  if (fromEnv) return fromEnv;
  for (const guess of ['/usr/lib/google-cloud-sdk', '/usr/share/google-cloud-sdk', '/google-cloud-sdk']) {
    if (existsSync(join(guess, 'platform/pubsub-emulator'))) return guess;
  }
  try {
    return execFileSync('gcloud', ['info', '--format=value(installation.sdk_root)'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    throw new Error(`The gcloud SDK was not found. ${INSTALL_HINT}`);
  }
}

/** Starts Google's Pub/Sub emulator from the gcloud SDK and resolves once it answers HTTP. */
export async function startPubSubEmulator({
  port,
  sdkRoot = findSdkRoot(),
  onOutput,
  // Java starting beside two test workers and their builds has taken over a minute on two cores.
  timeoutMs = 150_000,
}: PubSubEmulatorOptions = {}): Promise<PubSubEmulator> {
  const launcher = join(sdkRoot, 'platform/pubsub-emulator/bin/cloud-pubsub-emulator');
  if (!existsSync(launcher))
    throw new Error(`The Pub/Sub emulator is missing at ${launcher}. ${INSTALL_HINT}`);
  const chosen = port ?? (await findFreePort());
  const child = spawn(launcher, [`--host=127.0.0.1`, `--port=${chosen}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      JAVA_OPTS: process.env['JAVA_OPTS'] ?? '-Xms64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1',
    },
  });
  let exited: string | undefined;
  child.on('exit', (code, signal) => (exited = `exited with ${signal ?? code}`));
  child.on('error', (error) => (exited = `could not start: ${error.message}`));
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => onOutput?.(chunk));
  }
  const host = `127.0.0.1:${chosen}`;
  const stop = (): Promise<void> => stopProcess(child);
  try {
    await waitUntil(
      `the Pub/Sub emulator on ${host}`,
      async () => {
        const response = await fetch(`http://${host}/`);
        return response.ok;
      },
      {
        timeoutMs,
        intervalMs: 100,
        failIf: () => (exited ? new Error(`The Pub/Sub emulator ${exited}. ${INSTALL_HINT}`) : undefined),
      },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { host, port: chosen, pid: child.pid ?? -1, process: child, stop };
}
