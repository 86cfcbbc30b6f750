import { createHash } from 'node:crypto';
import { startForwardingProxy, type ForwardingProxy } from './start-forwarding-proxy.js';

export interface RivalUploadProxy extends ForwardingProxy {
  /** The file names whose rival upload reached the registry, with the rival's sha256. */
  rivals: Map<string, string>;
}

/**
 * A pass-through proxy in front of the registry stand-in that, when a build uploads one of `filenames`,
 * first uploads a rival file of that name (other bytes) itself: someone publishing the same version by
 * hand at that moment. The registry then refuses the build's file as Artifact Registry does, for real.
 */
export async function startRivalUploadProxy(filenames: readonly string[]): Promise<RivalUploadProxy> {
  const rivals = new Map<string, string>();
  const proxy = await startForwardingProxy(async (req, body) => {
    const named = req.method === 'POST' && filenames.find((name) => body.includes(`filename="${name}"`));
    if (named && !rivals.has(named)) rivals.set(named, await uploadRival(proxy.target, named));
    return 'forward';
  });
  return Object.assign(proxy, { rivals });
}

// The legacy upload twine speaks, with a file of the same name and other bytes; resolves with its sha256.
async function uploadRival(repositoryUrl: string, filename: string): Promise<string> {
  const match = /^(.+?)-(\d[^-]*?)(?:\.tar\.gz|\.zip|-.+\.whl)$/.exec(filename);
  if (!match) throw new Error(`cannot tell the name and version of ${filename}`);
  const bytes = Buffer.from(`uploaded by hand as ${filename}, not by pkgrelay\n`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const form = new FormData();
  form.set(':action', 'file_upload');
  form.set('name', match[1] ?? '');
  form.set('version', match[2] ?? '');
  form.set('filetype', filename.endsWith('.whl') ? 'bdist_wheel' : 'sdist');
  form.set('sha256_digest', sha256);
  form.set('content', new Blob([bytes]), filename);
  const answer = await fetch(repositoryUrl, {
    method: 'POST',
    body: form,
    headers: { authorization: `Basic ${Buffer.from('pkgrelay:pkgrelay').toString('base64')}` },
  });
  if (!answer.ok)
    throw new Error(`the rival upload of ${filename} answered ${answer.status}: ${await answer.text()}`);
  return sha256;
}
