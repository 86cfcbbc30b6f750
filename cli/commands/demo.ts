import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { createUpstreamRepository } from '../../local/demo/create-upstream-repository.js';
import { sampleSetuptoolsProject } from '../../local/demo/sample-project.js';
import { releasePayload, sendDelivery } from '../../local/github/send-delivery.js';
import { installFromIndex, runPython } from '../../local/python/install-from-index.js';
import { findMissingSystemDependencies } from '../../local/stack/check-system.js';
import type { Stack } from '../../local/stack/start-stack.js';
import { followJob } from '../follow-job.js';
import { elapsed, progress } from '../print-progress.js';
import { openStatusBucket } from '../read-status.js';

const REPOSITORY = 'demo-org/hello-relay';
const TAG = 'v1.0.0';

/** `pkgrelay demo`: one tag, from a signed webhook to `pip install`, on a stack of its own. */
export function createDemoCommand(): Command {
  return new Command('demo')
    .description(
      'bring up a stack, tag a sample project, send a signed webhook, follow the job, pip install the package, tear down',
    )
    .option('--keep', 'keep the demo folder (data and logs) afterwards')
    .action(async (options: { keep?: boolean }) => {
      const missing = findMissingSystemDependencies();
      if (missing.length) {
        for (const line of missing) progress(`✗ ${line}`);
        process.exitCode = 1;
        return;
      }
      const start = Date.now();
      const root = await mkdtemp(join(tmpdir(), 'pkgrelay-demo-'));
      let stack: Stack | undefined;
      let ok = false;
      try {
        progress(`1. A sample upstream: ${REPOSITORY}, a setuptools project tagged ${TAG}`);
        await createUpstreamRepository(join(root, 'upstreams'), REPOSITORY, [
          {
            files: sampleSetuptoolsProject('hello-relay', 'hello_relay', '1.0.0'),
            tag: TAG,
            annotated: true,
          },
        ]);
        const configPath = join(root, 'repositories.json');
        await writeFile(configPath, JSON.stringify({ repositories: [{ repository: REPOSITORY }] }, null, 2));

        progress('2. Starting the local stack');
        // Loaded here, not at the top: the stand-ins would slow every other command's start.
        const { startStack } = await import('../../local/stack/start-stack.js');
        stack = await startStack({
          rootDir: root,
          configPath,
          onReady: (service, ms) => progress(`   ✓ ${service} (${(ms / 1000).toFixed(1)} s)`),
        });

        progress(`3. Sending a signed "release published" webhook for ${TAG}`);
        const answer = await sendDelivery({
          url: stack.info.webhook.url,
          secret: stack.info.webhook.secret,
          event: 'release',
          payload: releasePayload(REPOSITORY, TAG),
        });
        progress(`   webhook answered ${answer.status}: ${JSON.stringify(answer.body)}`);
        if (answer.status !== 202) throw new Error(`the webhook answered ${answer.status}, not 202`);

        progress('4. Following the job');
        const bucket = await openStatusBucket(stack.info.storage.bucket, {
          apiEndpoint: stack.info.storage.host,
          projectId: stack.info.projectId,
        });
        const job = await followJob(
          bucket,
          { repository: REPOSITORY, tag: TAG },
          {
            timeoutMs: 180_000,
            onChange: (status) =>
              progress(
                `   [${elapsed(start)}] ${status.state}${status.build ? ` (build ${status.build.id})` : ''}`,
              ),
          },
        );
        if (job.state !== 'published') {
          throw new Error(
            `the job ended ${job.state}: ${job.error?.code ?? ''} ${job.error?.message ?? job.reason ?? ''}`,
          );
        }

        progress(
          `5. pip install --index-url ${stack.info.index.url} hello-relay==1.0.0 (fresh virtual environment)`,
        );
        const { python } = await installFromIndex(stack.info.index.url, 'hello-relay==1.0.0');
        const said = await runPython(python, 'import hello_relay; print(hello_relay.hello())');
        progress(`   python -c "import hello_relay; print(hello_relay.hello())" → ${said}`);

        progress('6. The status JSON in the bucket:');
        process.stdout.write(JSON.stringify(job, null, 2) + '\n');
        ok = true;
      } catch (error) {
        progress(`✗ The demo failed: ${(error as Error).message}`);
        progress(`  Function logs are in ${join(root, 'logs')} (kept).`);
        process.exitCode = 1;
      } finally {
        progress('7. Tearing down');
        await stack?.stop();
        if (ok && !options.keep) await rm(root, { recursive: true, force: true });
        else progress(`   Kept ${root}`);
      }
      if (ok) progress(`✓ Demo done in ${elapsed(start)}: a tag became a package that pip installed.`);
    });
}
