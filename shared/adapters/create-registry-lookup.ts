import { listPublishedFileDigests } from '../registry/list-published-files.js';
import type { PublishedFiles } from '../ports/published-files.js';

export interface RegistryLookupOptions {
  repositoryUrl: string;
  /** `google`: an access token of the function's service account, as Artifact Registry wants. */
  auth: 'google' | 'none';
}

/** Reads the registry's PEP 691 simple API, authenticated as the function in Google Cloud. */
export function createRegistryLookup({ repositoryUrl, auth }: RegistryLookupOptions): PublishedFiles {
  let auth$: Promise<{ getAccessToken(): Promise<string | null | undefined> }> | undefined;
  const headers = async (): Promise<Record<string, string>> => {
    if (auth === 'none') return {};
    auth$ ??= import('google-auth-library').then(
      ({ GoogleAuth }) => new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] }),
    );
    const token = (await (await auth$).getAccessToken()) ?? '';
    const basic = Buffer.from(`oauth2accesstoken:${token}`).toString('base64');
    return { authorization: `Basic ${basic}` };
  };
  return {
    list: async (name, version) =>
      listPublishedFileDigests(repositoryUrl, name, version, fetch, await headers()),
  };
}
