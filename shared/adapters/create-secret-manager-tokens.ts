import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import type { UpstreamTokens } from '../ports/upstream-tokens.js';
import { computeCrc32c } from './compute-crc32c.js';
import { restEndpointOptions } from './rest-endpoint-options.js';

type ClientOptions = NonNullable<ConstructorParameters<typeof SecretManagerServiceClient>[0]>;

export interface SecretManagerTokensOptions {
  projectId: string;
  /** Base URL of a Secret Manager API such as the local stand-in; unset = Google's. */
  endpoint?: string;
  /** Per read; a poll must not wait on one secret longer than on its upstream. */
  timeoutMs?: number;
}

/**
 * Upstream tokens read from Secret Manager (`versions/latest:access`), checked against the payload's
 * CRC32C as Google advises. The client is created on the first read, so a reconcile without private
 * upstreams never loads it.
 */
export function createSecretManagerTokens({
  projectId,
  endpoint,
  timeoutMs = 10_000,
}: SecretManagerTokensOptions): UpstreamTokens {
  let client: Promise<SecretManagerServiceClient> | undefined;
  return {
    read: async (secretId) => {
      client ??= createClient(endpoint);
      const name = `projects/${projectId}/secrets/${secretId}/versions/latest`;
      let version;
      try {
        [version] = await (await client).accessSecretVersion({ name }, { timeout: timeoutMs });
      } catch (error) {
        throw new Error(`Secret Manager did not give ${name}: ${reasonOf(error)}`, { cause: error });
      }
      const data = version.payload?.data;
      if (!data) throw new Error(`Secret ${secretId} has no payload; add the token as a version`);
      const bytes = typeof data === 'string' ? Buffer.from(data, 'base64') : Buffer.from(data);
      const expected = version.payload?.dataCrc32c;
      if (
        expected !== undefined &&
        expected !== null &&
        String(expected) !== String(await computeCrc32c(bytes))
      )
        throw new Error(`Secret ${secretId} arrived corrupted (its CRC32C does not match); try again`);
      // Editors and `echo` leave a newline; git would send it as part of the header.
      return bytes.toString('utf8').replace(/\r?\n$/, '');
    },
  };
}

async function createClient(endpoint: string | undefined): Promise<SecretManagerServiceClient> {
  const { SecretManagerServiceClient } = await import('@google-cloud/secret-manager');
  if (!endpoint) return new SecretManagerServiceClient();
  const options = await restEndpointOptions(endpoint);
  return new SecretManagerServiceClient({
    ...options,
    // google-gax pins its own copy of google-auth-library; the two OAuth2Client types differ only in version.
    authClient: options.authClient as NonNullable<ClientOptions['authClient']>,
  });
}

// REST errors arrive as Google's JSON envelope in the message; a person wants its sentence.
function reasonOf(error: unknown): string {
  const message = (error as Error).message;
  try {
    return (JSON.parse(message) as { error: { message: string } }).error.message;
  } catch {
    return message;
  }
}
