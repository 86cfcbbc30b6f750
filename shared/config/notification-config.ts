import { z } from 'zod';
import { RepositoryName } from '../contracts/repository-name.js';

/** The message formats the notifier speaks. */
export const NotificationFormat = ['slack', 'google-chat', 'webhook'] as const;
/** What an endpoint can be told about. */
export const NotificationKind = ['failed', 'published', 'skipped', 'drift'] as const;
export type NotificationKind = (typeof NotificationKind)[number];

const SecretId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,255}$/, 'must be a Secret Manager secret id')
  .describe(
    'Secret Manager secret; the notifier reads it from PKGRELAY_SECRET_<ID> (upper case, "-" as "_")',
  );

export const NotificationEndpoint = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and "-" (at most 63)'),
    format: z.enum(NotificationFormat),
    url: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('Where to POST; a Slack or Chat URL is a secret: prefer urlSecret'),
    urlSecret: SecretId.optional(),
    signingSecret: SecretId.optional().describe('HMAC-SHA256 key of the "webhook" format (required there)'),
    on: z
      .array(z.enum(NotificationKind))
      .min(1)
      .default(['failed', 'drift'])
      .describe(
        'What to send: failures and drift by default; add "published" (and "skipped") to hear of those',
      ),
    repositories: z
      .array(RepositoryName)
      .optional()
      .describe('Only the jobs of these repositories (case-insensitive); default every repository'),
  })
  .strict()
  .refine((endpoint) => (endpoint.url === undefined) !== (endpoint.urlSecret === undefined), {
    message: 'set exactly one of "url" and "urlSecret"',
    path: ['url'],
  })
  .refine((endpoint) => endpoint.format !== 'webhook' || endpoint.signingSecret !== undefined, {
    message: 'a "webhook" endpoint needs "signingSecret", the secret its deliveries are signed with',
    path: ['signingSecret'],
  });
export type NotificationEndpoint = z.infer<typeof NotificationEndpoint>;

export const Notifications = z
  .object({ endpoints: z.array(NotificationEndpoint) })
  .strict()
  .refine((n) => new Set(n.endpoints.map((e) => e.name)).size === n.endpoints.length, {
    message: 'endpoint names must differ',
    path: ['endpoints'],
  });
export type Notifications = z.infer<typeof Notifications>;

/** The environment variable that carries a secret to the notifier (Cloud Functions' --set-secrets, locally the secrets folder). */
export function secretVariable(secretId: string): string {
  return `PKGRELAY_SECRET_${secretId.toUpperCase().replaceAll('-', '_')}`;
}
