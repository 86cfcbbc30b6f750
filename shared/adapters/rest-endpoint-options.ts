/** What a google-gax client takes to speak REST (fallback mode) to an endpoint other than Google's. */
export interface RestEndpointOptions {
  fallback: true;
  apiEndpoint: string;
  port: number;
  protocol: string;
  authClient: unknown;
}

/**
 * Client options for a stand-in such as `http://127.0.0.1:9191`: REST with a static token, since the
 * stand-ins check none and no credentials must be looked up. google-auth-library loads lazily.
 */
export async function restEndpointOptions(endpoint: string): Promise<RestEndpointOptions> {
  const url = new URL(endpoint);
  const { OAuth2Client } = await import('google-auth-library');
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: 'pkgrelay-local' });
  const protocol = url.protocol.replace(/:$/, '');
  return {
    fallback: true,
    apiEndpoint: url.hostname,
    port: Number(url.port || (protocol === 'https' ? 443 : 80)),
    protocol,
    authClient,
  };
}
