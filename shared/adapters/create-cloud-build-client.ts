import type { CloudBuildClient } from '@google-cloud/cloudbuild';
import { restEndpointOptions } from './rest-endpoint-options.js';

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
  const options = await restEndpointOptions(endpoint);
  return new CloudBuildClient({
    ...options,
    // google-gax pins its own copy of google-auth-library; the two OAuth2Client types differ only in version.
    authClient: options.authClient as NonNullable<ClientOptions['authClient']>,
  });
}
