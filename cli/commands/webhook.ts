import { Argument, Command, Option } from 'commander';
import { releasePayload, sendDelivery } from '../../local/github/send-delivery.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { parseRepository, parseTag } from '../parse-arguments.js';
import { progress } from '../print-progress.js';
import { readStackInfo } from '../../local/stack/stack-info.js';
import { runAction } from '../run-action.js';

const EVENTS = ['release', 'create', 'push'] as const;
type WebhookEvent = (typeof EVENTS)[number];

interface SendOptions {
  url?: string;
  secret?: string;
  event: WebhookEvent;
  stack: string;
  json?: boolean;
}

/** `pkgrelay webhook send`: a delivery signed as GitHub signs it, to test a webhook end to end. */
export function createWebhookCommand(): Command {
  const send = new Command('send')
    .description(
      'send a correctly signed test delivery (release published, tag created, or tag pushed) to a webhook URL',
    )
    .addArgument(new Argument('<repository>', 'owner/name').argParser(parseRepository))
    .addArgument(new Argument('<tag>', 'the git tag').argParser(parseTag))
    .option('--url <url>', 'the webhook URL (default: the local stack\u2019s)')
    .addOption(
      new Option('--secret <secret>', 'the webhook secret (default: the local stack\u2019s)').env(
        'PKGRELAY_WEBHOOK_SECRET',
      ),
    )
    .addOption(new Option('--event <event>', 'the GitHub event to send').choices(EVENTS).default('release'))
    .option('--stack <dir>', 'the local stack folder holding stack.json', '.pkgrelay')
    .option('--json', 'print {status, body, deliveryId} on stdout')
    .addHelpText('after', '\nExit 0 on a 2xx answer, 1 on any other, 3 when the URL cannot be reached.')
    .action(
      runAction(async (repository: string, tag: string, options: SendOptions) => {
        let { url, secret } = options;
        if (!url || !secret) {
          let stack;
          try {
            stack = await readStackInfo(options.stack);
          } catch (error) {
            throw new CliError(
              `${(error as Error).message} Or give --url and --secret.`,
              ExitCode.unreachable,
            );
          }
          url ??= stack.webhook.url;
          secret ??= stack.webhook.secret;
        }
        const answer = await sendDelivery({
          url,
          secret,
          event: options.event,
          payload: payloadOf(options.event, repository, tag),
        });
        if (options.json) process.stdout.write(JSON.stringify(answer, null, 2) + '\n');
        else
          process.stdout.write(
            `${answer.status} ${typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body)}\n`,
          );
        progress(`delivery ${answer.deliveryId} (${options.event}) to ${url}: HTTP ${answer.status}`);
        return answer.status >= 200 && answer.status < 300 ? ExitCode.ok : ExitCode.failed;
      }),
    );
  return new Command('webhook').description('test the webhook function').addCommand(send);
}

function payloadOf(event: WebhookEvent, repository: string, tag: string): unknown {
  const release = releasePayload(repository, tag);
  switch (event) {
    case 'release':
      return release;
    case 'create':
      return {
        ref: tag,
        ref_type: 'tag',
        master_branch: 'main',
        pusher_type: 'user',
        repository: release.repository,
        sender: release.sender,
      };
    case 'push':
      return {
        ref: `refs/tags/${tag}`,
        before: '0'.repeat(40),
        after: 'f'.repeat(40),
        created: true,
        deleted: false,
        forced: false,
        repository: release.repository,
        sender: release.sender,
      };
  }
}
