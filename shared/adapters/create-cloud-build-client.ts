import type { CloudBuildClient } from '@google-cloud/cloudbuild';

type ClientOptions = NonNullable<ConstructorParameters<typeof CloudBuildClient>[0]>;

export interface CloudBuildClientOptions {
  /** Base URL of a Cloud Build API such as the local stand-in (`http://127.0.0.1:9191`); unset = Google's. */
  endpoint?: string;
}

/**
 * Creates the Cloud Build client. With an `endpoint` it speaks REST (fallback mode) to that host with a
 * static token; without one it is the library's default. The library loads lazily to keep cold starts short.
 */
export async function createCloudBuildClient({
  endpoint,
}: CloudBuildClientOptions = {}): Promise<CloudBuildClient> {
  const { CloudBuildClient } = await import('@google-cloud/cloudbuild');
  if (!endpoint) return new CloudBuildClient();
  const url = new URL(endpoint);
  const { OAuth2Client } = await import('google-auth-library');
  // Any non-Google endpoint gets a static token: the stand-in checks none, and no credentials are looked up.
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: 'pkgrelay-local' });
  const protocol = url.protocol.replace(/:$/, '');
  return new CloudBuildClient({
    fallback: true,
    apiEndpoint: url.hostname,
    port: Number(url.port || (protocol === 'https' ? 443 : 80)),
    protocol,
    // google-gax pins its own copy of google-auth-library; the two OAuth2Client types differ only in version.
    authClient: authClient as unknown as NonNullable<ClientOptions['authClient']>,
  });
}
