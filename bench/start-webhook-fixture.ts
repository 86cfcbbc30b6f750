import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPubSubEmulator, type PubSubEmulator } from '../local/pubsub/start-pubsub-emulator.js';
import { findPackageRoot } from '../local/stack/find-package-root.js';
import { FUNCTION_SPECS } from '../local/stack/function-specs.js';
import { startFunction, type FunctionSpec, type RunningFunction } from '../local/stack/start-function.js';

export const BENCH_REPOSITORY = 'bench-org/widgets';
export const BENCH_TOPIC = 'pkgrelay-releases';
const PROJECT_ID = 'pkgrelay-bench';

export interface WebhookFixture {
  emulator: PubSubEmulator;
  dir: string;
  secret: string;
  /** The environment the webhook function runs with: a configured repository, the secret, the emulator. */
  env: Record<string, string>;
  webhookSpec: FunctionSpec;
  bareSpec: FunctionSpec;
  start(spec: FunctionSpec): Promise<RunningFunction>;
  close(): Promise<void>;
}

/** The bare baseline: a functions-framework target that answers 204 and does nothing else. */
export function bareSpec(root = findPackageRoot()): FunctionSpec {
  return { target: 'bare', source: join(root, 'lib/bench/bare-handler.js'), signatureType: 'http' };
}

/** A Pub/Sub emulator with the releases topic (and a pull subscription that keeps what is published), a repositories file and a secret. */
export async function startWebhookFixture(): Promise<WebhookFixture> {
  const root = findPackageRoot();
  const dir = await mkdtemp(join(tmpdir(), 'pkgrelay-bench-'));
  const configPath = join(dir, 'repositories.json');
  await writeFile(configPath, JSON.stringify({ repositories: [{ repository: BENCH_REPOSITORY }] }));
  const emulator = await startPubSubEmulator();
  const running: RunningFunction[] = [];
  try {
    const { PubSub } = await import('@google-cloud/pubsub');
    const pubsub = new PubSub({ projectId: PROJECT_ID, apiEndpoint: emulator.host, emulatorMode: true });
    const [topic] = await pubsub.createTopic(BENCH_TOPIC);
    await topic.createSubscription('bench-sink');
    await pubsub.close();
  } catch (error) {
    await emulator.stop();
    throw error;
  }
  const secret = 'bench-secret';
  const webhook = FUNCTION_SPECS['webhook'];
  if (!webhook) throw new Error('FUNCTION_SPECS has no webhook');
  const env = {
    PKGRELAY_CONFIG: configPath,
    PKGRELAY_PROJECT_ID: PROJECT_ID,
    PKGRELAY_WEBHOOK_SECRETS: secret,
    PUBSUB_EMULATOR_HOST: emulator.host,
    METADATA_SERVER_DETECTION: 'none',
  };
  return {
    emulator,
    dir,
    secret,
    env,
    webhookSpec: { ...webhook, source: join(root, webhook.source) },
    bareSpec: bareSpec(root),
    async start(spec) {
      const fn = await startFunction(spec, { env, logFile: join(dir, `${spec.target}.log`) });
      running.push(fn);
      return fn;
    },
    async close() {
      await Promise.all(running.map((fn) => fn.stop()));
      await emulator.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
