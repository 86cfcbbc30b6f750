import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler } from '../../../functions/webhook/create-webhook-handler.js';
import { RepositoryConfig } from '../../../shared/config/repository-config.js';
import { repositoryKey } from '../../../shared/contracts/repository-name.js';
import { createLogger } from '../../../shared/log/create-logger.js';
import { createFakeTime, FakeReleaseQueue } from './fake-release-queue.js';
import { createPoster, serveWebhook } from './serve-webhook.js';
import { fixedRepositories } from '../../../shared/config/repository-provider.js';

const RUNS = 10_000;
const SECRET = 'fuzz-secret';
const OLD_SECRET = 'fuzz-old-secret';
// A small body limit stands in for GitHub's 25 MB, so oversize deliveries cost little; the same check runs.
const MAX_BODY_BYTES = 16 * 1024;
const repositories = [
  RepositoryConfig.parse({ repository: 'Acme/Widgets' }),
  RepositoryConfig.parse({ repository: 'acme/previews', prereleases: true }),
  RepositoryConfig.parse({ repository: 'acme/mono', tagPrefix: 'sdk/' }),
  RepositoryConfig.parse({ repository: 'acme/strict', tagPattern: 'v1\\.[0-9]+' }),
];
const configured = new Set(repositories.map((repo) => repo.repository));

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  maxLength: 80,
});
const awkward = fc.constantFrom(
  '/',
  '$',
  ';',
  '\\',
  '`',
  '.',
  '..',
  '-',
  'v',
  '1',
  '@{',
  ' ',
  '~',
  'é',
  'ß',
  '🚀',
  '\u0000',
  '\u202e',
  'rc',
  '+',
);
const tag = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('', 'v', 'V', 'sdk/', 'release-'),
      fc.nat(20),
      fc.nat(20),
      fc.nat(20),
      fc.constantFrom('', 'rc1', '.dev3', '.post1', '+local.1', '-RC.2', 'a1', '!'),
    )
    .map(([prefix, a, b, c, suffix]) => `${prefix}${a}.${b}.${c}${suffix}`),
  fc.string({
    unit: fc.oneof(awkward, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })),
    maxLength: 30,
  }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const randomCase = (name: string, flips: number[]): string =>
  [...name].map((char, i) => (flips.includes(i) ? char.toUpperCase() : char.toLowerCase())).join('');
const repository = fc.oneof(
  fc
    .tuple(fc.constantFrom(...configured), fc.array(fc.nat(20), { maxLength: 5 }))
    .map(([name, flips]) => randomCase(name, flips)),
  fc.constantFrom('evil/widgets', 'acme/widgets2', 'acme', 'Acme/Widgets/../x', ''),
  printable,
);
const fullName = fc.record({ full_name: repository });
const payload = fc.oneof(
  fc.record({
    action: fc.constantFrom('published', 'prereleased', 'created', 'released', 'deleted', 'edited'),
    release: fc.record({ tag_name: tag, draft: fc.boolean(), prerelease: fc.boolean() }),
    repository: fullName,
  }),
  fc.record({ ref: tag, ref_type: fc.constantFrom('tag', 'branch', 'repository'), repository: fullName }),
  fc.record({
    ref: fc.oneof(
      tag.map((t) => `refs/tags/${t}`),
      tag.map((t) => `refs/heads/${t}`),
      tag,
    ),
    created: fc.boolean(),
    deleted: fc.boolean(),
    repository: fullName,
  }),
  fc.record({ zen: printable, hook_id: fc.oneof(fc.integer(), fc.string()) }, { requiredKeys: [] }),
  fc.jsonValue({ maxDepth: 3 }),
);

// Deliveries GitHub could send, so that a fair share publishes and the rules past the signature are reached.
const versionTag = fc
  .tuple(
    fc.constantFrom('', 'v', 'sdk/'),
    fc.nat(20),
    fc.nat(20),
    fc.constantFrom('', '', '.1', 'rc1', '.post2'),
  )
  .map(([prefix, a, b, suffix]) => `${prefix}${a}.${b}${suffix}`);
const mostly = (value: boolean) =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(value) }, { weight: 1, arbitrary: fc.constant(!value) });
const likelyTag = fc.oneof({ weight: 3, arbitrary: versionTag }, { weight: 1, arbitrary: tag });
const likelyRepository = fc.oneof(
  { weight: 4, arbitrary: repository.filter((name) => name.includes('/')) },
  { weight: 1, arbitrary: repository },
);
const coherent = fc.oneof(
  fc.record({
    event: fc.constant('release'),
    payload: fc.record({
      action: fc.constantFrom('published', 'published', 'prereleased', 'released'),
      release: fc.record({ tag_name: likelyTag, draft: mostly(false), prerelease: mostly(false) }),
      repository: fc.record({ full_name: likelyRepository }),
    }),
  }),
  fc.record({
    event: fc.constant('create'),
    payload: fc.record({
      ref: likelyTag,
      ref_type: fc.constantFrom('tag', 'tag', 'branch'),
      repository: fc.record({ full_name: likelyRepository }),
    }),
  }),
  fc.record({
    event: fc.constant('push'),
    payload: fc.record({
      ref: likelyTag.map((t) => `refs/tags/${t}`),
      created: mostly(true),
      deleted: mostly(false),
      repository: fc.record({ full_name: likelyRepository }),
    }),
  }),
  fc.record({ event: fc.constant('ping'), payload: fc.record({ hook_id: fc.nat() }) }),
);

const Signing = [
  'valid',
  'old-secret',
  'wrong-secret',
  'none',
  'sha1-only',
  'random',
  'flip-body',
  'flip-signature',
] as const;

const chaotic = fc.record({
  event: fc.oneof(
    fc.constantFrom('release', 'create', 'push', 'ping', 'delete', 'issues', 'RELEASE', ''),
    printable,
    fc.constant(null),
  ),
  payload,
});

const delivery = fc.record({
  message: fc.oneof({ weight: 3, arbitrary: coherent }, { weight: 1, arbitrary: chaotic }),
  deliveryId: fc.oneof({ weight: 4, arbitrary: fc.uuid() }, printable, fc.constant(null)),
  encoding: fc.constantFrom('json', 'json', 'form', 'form', 'bytes'),
  bytes: fc.uint8Array({ maxLength: 200 }),
  contentType: fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(
      'application/json; charset=utf-8',
      'text/plain',
      'application/octet-stream',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
    ),
    printable,
  ),
  signing: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('valid' as const) },
    { weight: 7, arbitrary: fc.constantFrom(...Signing) },
  ),
  randomSignature: printable,
  flipAt: fc.nat(),
  flipBit: fc.nat(7),
  oversize: fc.oneof(
    { weight: 40, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 4096 }) },
  ),
  queueFails: fc.boolean(),
});
type FuzzDelivery = typeof delivery extends fc.Arbitrary<infer T> ? T : never;

const hmac = (secret: string, body: Buffer): Buffer => createHmac('sha256', secret).update(body).digest();

function encode(d: FuzzDelivery): { body: Buffer; contentType: string | undefined } {
  const json = JSON.stringify(d.message.payload) ?? 'null';
  let body: Buffer;
  let contentType: string | undefined;
  if (d.encoding === 'json') [body, contentType] = [Buffer.from(json), 'application/json'];
  else if (d.encoding === 'form')
    [body, contentType] = [
      Buffer.from(`payload=${encodeURIComponent(json)}`),
      'application/x-www-form-urlencoded',
    ];
  else [body, contentType] = [Buffer.from(d.bytes), d.contentType];
  // Trailing spaces keep JSON valid, so oversize bodies reach the handler's limit rather than the parser.
  if (d.oversize)
    body = Buffer.concat([
      body,
      Buffer.alloc(
        MAX_BODY_BYTES + d.oversize - body.length > 0
          ? MAX_BODY_BYTES + d.oversize - body.length
          : d.oversize,
        0x20,
      ),
    ]);
  return { body, contentType };
}

function sign(
  d: FuzzDelivery,
  body: Buffer,
): { body: Buffer; headers: Record<string, string>; validlySigned: boolean } {
  const hex = (bytes: Buffer) => `sha256=${bytes.toString('hex')}`;
  switch (d.signing) {
    case 'valid':
      return { body, headers: { 'x-hub-signature-256': hex(hmac(SECRET, body)) }, validlySigned: true };
    case 'old-secret':
      return { body, headers: { 'x-hub-signature-256': hex(hmac(OLD_SECRET, body)) }, validlySigned: true };
    case 'wrong-secret':
      return {
        body,
        headers: { 'x-hub-signature-256': hex(hmac('not-the-secret', body)) },
        validlySigned: false,
      };
    case 'none':
      return { body, headers: {}, validlySigned: false };
    case 'sha1-only':
      return {
        body,
        headers: { 'x-hub-signature': `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}` },
        validlySigned: false,
      };
    case 'random':
      return { body, headers: { 'x-hub-signature-256': d.randomSignature }, validlySigned: false };
    case 'flip-body': {
      const flipped = Buffer.from(body);
      if (flipped.length === 0) return { body, headers: {}, validlySigned: false };
      const at = d.flipAt % flipped.length;
      flipped[at] = (flipped[at] ?? 0) ^ (1 << d.flipBit);
      return {
        body: flipped,
        headers: { 'x-hub-signature-256': hex(hmac(SECRET, body)) },
        validlySigned: false,
      };
    }
    case 'flip-signature': {
      const mac = hmac(SECRET, body);
      const at = d.flipAt % mac.length;
      mac[at] = (mac[at] ?? 0) ^ (1 << d.flipBit);
      return { body, headers: { 'x-hub-signature-256': hex(mac) }, validlySigned: false };
    }
  }
}

describe('webhook fuzz over HTTP', () => {
  const queue = new FakeReleaseQueue();
  let answeredLogLines = 0;
  const logger = createLogger({
    write: (line) => void (line.includes('"message":"webhook answered"') && answeredLogLines++),
  });
  let server: Awaited<ReturnType<typeof serveWebhook>>;
  let poster: ReturnType<typeof createPoster>;

  beforeAll(async () => {
    const time = createFakeTime();
    server = await serveWebhook(
      createWebhookHandler({
        config: { webhookSecrets: [SECRET, OLD_SECRET] },
        repositories: fixedRepositories(repositories),
        queue,
        logger,
        now: time.now,
        sleep: time.sleep,
        maxBodyBytes: MAX_BODY_BYTES,
      }),
    );
    poster = createPoster(server.url);
  });
  afterAll(async () => {
    poster.close();
    await server.close();
  });

  it(`survives ${RUNS} generated and mutated deliveries`, async () => {
    const unexpected: Array<{ delivery: FuzzDelivery; problem: string }> = [];
    const outcomes: Record<string, number> = {};
    let runs = 0;
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(delivery, async (d) => {
        runs++;
        queue.reset();
        queue.failuresLeft = d.queueFails ? Infinity : 0;
        const encoded = encode(d);
        const { body, headers, validlySigned } = sign(d, encoded.body);
        const all: Record<string, string> = {
          ...headers,
          ...(encoded.contentType === undefined ? {} : { 'content-type': encoded.contentType }),
          ...(d.message.event === null ? {} : { 'x-github-event': d.message.event }),
          ...(d.deliveryId === null ? {} : { 'x-github-delivery': d.deliveryId }),
        };
        const logLinesBefore = answeredLogLines;
        const problems: string[] = [];
        try {
          const { status, contentType, text } = await poster.post(all, body);
          const fromHandler = contentType.startsWith('application/json');
          const answer = fromHandler
            ? (JSON.parse(text) as { status: string; job?: { repository: string; tag: string } })
            : undefined;
          const key = `${status} ${answer?.status ?? 'framework'}`;
          outcomes[key] = (outcomes[key] ?? 0) + 1;
          const publishable = validlySigned && !d.oversize;
          if (status >= 500 && !(status === 503 && d.queueFails && publishable))
            problems.push(`unexpected ${status}`);
          if (!validlySigned && (status < 400 || status >= 500))
            problems.push(`${status} without a valid signature`);
          if (d.oversize && status !== 413 && fromHandler) problems.push(`${status} for an oversize body`);
          if (queue.published.length > 1) problems.push('more than one message published');
          for (const { request } of queue.published) {
            if (!publishable) problems.push('published without a valid signature');
            if (!configured.has(request.repository))
              problems.push(`published for unconfigured ${request.repository}`);
            if (status !== 202) problems.push(`published but answered ${status}`);
            const sent = d.message.payload as { repository?: { full_name?: string } };
            if (repositoryKey(sent.repository?.full_name ?? '') !== repositoryKey(request.repository))
              problems.push('published another repository');
          }
          if (status === 202 && queue.published.length !== 1)
            problems.push('202 without exactly one publish');
          if (fromHandler && answeredLogLines !== logLinesBefore + 1)
            problems.push('answer not logged exactly once');
        } catch (error) {
          problems.push(`request failed: ${(error as Error).message}`);
        }
        for (const problem of problems) unexpected.push({ delivery: d, problem });
        return true;
      }),
      { numRuns: RUNS, seed: 20260517 },
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`webhook fuzz: ${runs} deliveries, ${unexpected.length} unexpected (${seconds} s)`);
    console.log(`webhook fuzz outcomes: ${JSON.stringify(outcomes)}`);
    expect(runs).toBe(RUNS);
    expect(unexpected.slice(0, 5)).toEqual([]);
    expect(outcomes['202 accepted']).toBeGreaterThan(100);
    expect(outcomes['503 unavailable']).toBeGreaterThan(50);
    // 10,000 HTTP round trips take 15-30 s alone, and several times that beside the end-to-end suites on 2 cores.
  }, 600_000);
});
