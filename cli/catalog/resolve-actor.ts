import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';

/** Who makes a change: `--by`, else the active gcloud account (Google Cloud targets), else the login name. */
export async function resolveActor(by: string | undefined, cloud: boolean): Promise<string> {
  if (by) return by;
  if (cloud) {
    const account = await gcloudAccount();
    if (account) return account;
  }
  return process.env['USER'] || userInfo().username;
}

function gcloudAccount(): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('gcloud', ['config', 'get-value', 'account'], { timeout: 15_000 }, (error, stdout) => {
      const account = String(stdout).trim();
      resolve(error || !account ? undefined : account);
    });
  });
}
