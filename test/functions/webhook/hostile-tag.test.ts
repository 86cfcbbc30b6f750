import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  sendSigned,
  startWebhookProcess,
  WEBHOOK_BUILDS,
  type WebhookProcess,
} from './start-webhook-process.js';

// The pattern of issue 16: nested quantifiers, so a backtracking engine tries 2^n splits of n ones.
const CATASTROPHIC = 'v([0-9]+\\.?)+';
// 40 ones: about 2^40 steps for a backtracking engine (28 held a ping for 16.4 s), a few hundred for RE2.
const HOSTILE_TAG = `v${'1'.repeat(40)}!`;

describe('a catastrophic tag pattern', () => {
  let webhook: WebhookProcess;
  let delivery = 0;

  const send = (event: string, payload: unknown) =>
    sendSigned(webhook, event, payload, `hostile-${++delivery}`);
  const ping = () => send('ping', { zen: 'Speak like a human.', hook_id: 9 });
  const hostileRelease = () =>
    send('release', {
      action: 'published',
      release: { tag_name: HOSTILE_TAG, draft: false, prerelease: false },
      repository: { full_name: 'Acme/Widgets' },
    });

  beforeAll(async () => {
    const lib = WEBHOOK_BUILDS[0].source;
    webhook = await startWebhookProcess(lib, [{ repository: 'Acme/Widgets', tagPattern: CATASTROPHIC }]);
    expect((await ping()).status).toBe(200);
  });
  afterAll(async () => {
    await webhook?.stop();
  });

  it('answers a hostile tag at once and delays a concurrent ping no more than noise', async () => {
    // The baseline: this machine, this process, pings alone.
    const alone: number[] = [];
    for (let i = 0; i < 5; i++) alone.push((await ping()).ms);
    const baseline = Math.max(...alone);

    const [hostile, concurrent] = await Promise.all([hostileRelease(), ping()]);
    expect(hostile).toMatchObject({
      status: 200,
      body: { status: 'ignored', reason: expect.stringMatching(/does not match the configured tagPattern/) },
    });
    expect(concurrent.status).toBe(200);
    // A wide margin over the worst lone ping: a blocked event loop costs seconds, noise milliseconds.
    expect(
      concurrent.ms,
      `ping beside the hostile tag ${concurrent.ms} ms, alone at most ${baseline} ms`,
    ).toBeLessThan(Math.max(10 * baseline, baseline + 1_000));
  });
});
