/** Splits `PKGRELAY_WEBHOOK_SECRETS` (comma-separated, several for rotation) into secrets. */
export function parseWebhookSecrets(value: string): string[] {
  return value
    .split(',')
    .map((secret) => secret.trim())
    .filter(Boolean);
}

/** The webhook secrets alone, without loading the config schema: the webhook refuses forged deliveries before it loads zod. */
export function readWebhookSecrets(env: Record<string, string | undefined> = process.env): string[] {
  return parseWebhookSecrets(env['PKGRELAY_WEBHOOK_SECRETS'] ?? '');
}
