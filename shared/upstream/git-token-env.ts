// GitHub-only: the token's user name (x-access-token) is GitHub's; GitLab takes oauth2.
/**
 * The environment that makes git send a token as GitHub takes it (Basic, user x-access-token), through
 * git's GIT_CONFIG_COUNT variables: never in argv, where `ps` and error messages would show it.
 */
export function gitTokenEnv(token: string): Record<string, string> {
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.extraHeader',
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
  };
}

/** The forms a token leaks in (itself, or the Basic header git sends), for redacting text that may hold it. */
export function tokenForms(token: string): string[] {
  return [token, Buffer.from(`x-access-token:${token}`).toString('base64')];
}

/** Replaces every form of the token in a text bound for a log, report or document. */
export function redactToken(text: string, token: string | undefined): string {
  if (!token) return text;
  return tokenForms(token).reduce((result, form) => result.split(form).join('[token]'), text);
}
