import { describe, expect, it } from 'vitest';
import type { DeployPlan } from '../../deploy/plan-types.js';
import { DeployStepError, runDeployPlan } from '../../deploy/run-deploy-plan.js';

const gcloud = (...args: string[]) => ({ program: 'gcloud' as const, args });

// A gcloud stand-in: answers by the joined argv, records every call.
type Answer = { code?: number; stdout?: string; stderr?: string };
function fakeGcloud(answers: Record<string, Answer[] | Answer>) {
  const calls: { args: string[]; stdin: string | undefined }[] = [];
  const run = async (_program: string, args: readonly string[], stdin?: string) => {
    calls.push({ args: [...args], stdin });
    const key = args.join(' ');
    const answer = answers[key];
    const next = Array.isArray(answer) ? (answer.shift() ?? { code: 0 }) : (answer ?? { code: 0 });
    const stderr = next.stderr ?? (next.code ? `ERROR: ${key}` : '');
    return { code: next.code ?? 0, stdout: next.stdout ?? '', stderr };
  };
  return { calls, run };
}

const plan: DeployPlan = {
  project: 'p',
  region: 'r',
  steps: [
    {
      kind: 'ensure',
      title: 'missing topic',
      describe: gcloud('pubsub', 'topics', 'describe', 'a'),
      create: [gcloud('pubsub', 'topics', 'create', 'a')],
      update: [],
    },
    {
      kind: 'ensure',
      title: 'existing bucket',
      describe: gcloud('storage', 'buckets', 'describe', 'gs://b'),
      create: [gcloud('storage', 'buckets', 'create', 'gs://b')],
      update: [gcloud('storage', 'buckets', 'update', 'gs://b')],
    },
    {
      kind: 'ensure',
      title: 'secret',
      describe: gcloud('secrets', 'describe', 's'),
      create: [{ ...gcloud('secrets', 'create', 's', '--data-file=-'), stdin: 'random-secret' }],
      update: [],
    },
    { kind: 'capture', title: 'trigger', variable: 'TRIGGER', command: gcloud('functions', 'describe', 'w') },
    {
      kind: 'capture',
      title: 'sub',
      variable: 'SUB',
      command: gcloud('eventarc', 'triggers', 'describe', '{{TRIGGER}}'),
    },
    {
      kind: 'run',
      title: 'binding',
      command: gcloud('pubsub', 'subscriptions', 'add-iam-policy-binding', '{{SUB}}', '--member=x'),
      retry: { attempts: 3, delaySeconds: 10, when: /does not exist/, waitingFor: 'the account' },
    },
    { kind: 'copy', title: 'config', from: '/a.json', to: '/b/a.json' },
    { kind: 'say', title: 'done', text: 'subscription {{SUB}}' },
  ],
};

describe('runDeployPlan', () => {
  it('creates what is missing, updates what exists, fills captured values, retries IAM, pipes the secret', async () => {
    const { calls, run } = fakeGcloud({
      'pubsub topics describe a': { code: 1 },
      'secrets describe s': { code: 1 },
      'functions describe w': { stdout: 'projects/p/locations/r/triggers/w-1\n' },
      'eventarc triggers describe projects/p/locations/r/triggers/w-1': {
        stdout: 'projects/p/subscriptions/eventarc-r-w-1\n',
      },
      'pubsub subscriptions add-iam-policy-binding projects/p/subscriptions/eventarc-r-w-1 --member=x': [
        { code: 1, stderr: 'ERROR: INVALID_ARGUMENT: Service account x does not exist.' },
        { code: 0 },
      ],
    });
    const copies: string[][] = [];
    const sleeps: number[] = [];
    const log: string[] = [];
    const values = await runDeployPlan(plan, {
      run,
      copy: async (from, to) => void copies.push([from, to]),
      sleep: async (seconds) => void sleeps.push(seconds),
      log: (line) => log.push(line),
      randomSecret: () => 'f00d',
    });
    expect(calls.map((call) => call.args.join(' '))).toEqual([
      'pubsub topics describe a',
      'pubsub topics create a',
      'storage buckets describe gs://b',
      'storage buckets update gs://b',
      'secrets describe s',
      'secrets create s --data-file=-',
      'functions describe w',
      'eventarc triggers describe projects/p/locations/r/triggers/w-1',
      'pubsub subscriptions add-iam-policy-binding projects/p/subscriptions/eventarc-r-w-1 --member=x',
      'pubsub subscriptions add-iam-policy-binding projects/p/subscriptions/eventarc-r-w-1 --member=x',
    ]);
    expect(calls.find((call) => call.args[1] === 'create' && call.args[0] === 'secrets')?.stdin).toBe('f00d');
    expect(sleeps).toEqual([10]);
    expect(copies).toEqual([['/a.json', '/b/a.json']]);
    expect(values.get('SUB')).toBe('projects/p/subscriptions/eventarc-r-w-1');
    expect(log).toContain('subscription projects/p/subscriptions/eventarc-r-w-1');
    expect(log.join('\n')).not.toContain('f00d');
    expect(log).toContain('  attempt 1 of 3 failed while waiting for the account; again in 10s');
  });

  const bindingKey =
    'pubsub subscriptions add-iam-policy-binding projects/p/subscriptions/eventarc-r-w-1 --member=x';
  // The plan up to its binding, which answers with `stderr` every time.
  const failingBinding = (stderr: string) =>
    fakeGcloud({
      'functions describe w': { stdout: 'projects/p/locations/r/triggers/w-1\n' },
      'eventarc triggers describe projects/p/locations/r/triggers/w-1': {
        stdout: 'projects/p/subscriptions/eventarc-r-w-1\n',
      },
      [bindingKey]: { code: 1, stderr },
    });

  it('retries only the errors its policy names: any other refusal stops at once', async () => {
    const { calls, run } = failingBinding('ERROR: PERMISSION_DENIED: caller lacks setIamPolicy');
    const sleeps: number[] = [];
    const sleep = async (seconds: number) => void sleeps.push(seconds);
    await expect(runDeployPlan(plan, { run, log: () => {}, sleep, copy: async () => {} })).rejects.toThrow(
      /PERMISSION_DENIED/,
    );
    expect(calls.filter((call) => call.args.join(' ') === bindingKey)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('gives up after the attempts its policy allows', async () => {
    const { calls, run } = failingBinding('ERROR: Service account x does not exist.');
    await expect(
      runDeployPlan(plan, { run, log: () => {}, sleep: async () => {}, copy: async () => {} }),
    ).rejects.toThrow(/does not exist/);
    expect(calls.filter((call) => call.args.join(' ') === bindingKey)).toHaveLength(3);
  });

  it('makes a captured account an IAM principal', async () => {
    const principalPlan = (): DeployPlan => ({
      project: 'p',
      region: 'r',
      steps: [
        {
          kind: 'capture',
          title: 'who',
          variable: 'DEPLOYER',
          command: gcloud('config', 'get-value', 'account'),
          as: 'principal',
        },
        { kind: 'run', title: 'grant', command: gcloud('iam', 'grant', '--member={{DEPLOYER}}') },
      ],
    });
    for (const [account, member] of [
      ['ada@example.com', 'user:ada@example.com'],
      ['ci@p.iam.gserviceaccount.com', 'serviceAccount:ci@p.iam.gserviceaccount.com'],
    ]) {
      const { calls, run } = fakeGcloud({ 'config get-value account': { stdout: `${account}\n` } });
      await runDeployPlan(principalPlan(), { run, log: () => {} });
      expect(calls[1]?.args).toEqual(['iam', 'grant', `--member=${member}`]);
    }
  });

  it('stops at the first failing step and names it with what gcloud said', async () => {
    const { calls, run } = fakeGcloud({
      'pubsub topics describe a': { code: 1 },
      'pubsub topics create a': { code: 1 },
    });
    const failure = runDeployPlan(plan, { run, log: () => {} });
    await expect(failure).rejects.toBeInstanceOf(DeployStepError);
    await expect(failure).rejects.toThrow(/missing topic[\s\S]*ERROR: pubsub topics create a/);
    expect(calls).toHaveLength(2);
  });

  it('refuses an empty capture instead of passing an empty name on', async () => {
    const { run } = fakeGcloud({ 'functions describe w': { stdout: '\n' } });
    await expect(runDeployPlan(plan, { run, log: () => {}, copy: async () => {} })).rejects.toThrow(
      /TRIGGER came back empty/,
    );
  });
});
