import type { ReconcileOptions } from '../functions/reconcile/create-reconcile-handler.js';
import type { ReconcileReport } from '../functions/reconcile/reconcile-report.js';
import { CliError, ExitCode } from './exit-codes.js';

export interface ReconcileAnswer {
  status: number;
  report: ReconcileReport;
}

/** POSTs to the reconcile function, with an identity token for Google Cloud when `authenticate` is set. */
export async function invokeReconcile(
  url: string,
  { authenticate = false, ...options }: { authenticate?: boolean } & ReconcileOptions = {},
): Promise<ReconcileAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authenticate) headers['authorization'] = `Bearer ${await identityToken(url)}`;
  const body = JSON.stringify(options);
  const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(600_000) });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!isReport(json)) {
    const exit =
      response.status === 401 || response.status === 403 || response.status === 404
        ? ExitCode.unreachable
        : ExitCode.failed;
    throw new CliError(`reconcile answered ${response.status}: ${text.slice(0, 500)}`, exit);
  }
  return { status: response.status, report: json };
}

async function identityToken(url: string): Promise<string> {
  try {
    const { GoogleAuth } = await import('google-auth-library');
    const client = await new GoogleAuth().getIdTokenClient(new URL(url).origin);
    return await client.idTokenProvider.fetchIdToken(new URL(url).origin);
  } catch (error) {
    throw new CliError(
      `No identity token for ${url} (${(error as Error).message}); run \`gcloud scheduler jobs run pkgrelay-reconcile\` instead`,
      ExitCode.unreachable,
      { cause: error },
    );
  }
}

function isReport(value: unknown): value is ReconcileReport {
  const report = value as Partial<ReconcileReport> | undefined;
  return Array.isArray(report?.enqueued) && Array.isArray(report.settled) && Array.isArray(report.errors);
}
