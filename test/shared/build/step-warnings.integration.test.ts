import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBuildJson } from '../../../functions/reconcile/to-build-json.js';
import { readBuild, readBuildNotification } from '../../../shared/build/read-build-notification.js';
import {
  queuedBuildOf,
  startCloudBuildStack,
  statusName,
  type CloudBuildStack,
} from '../../local/cloudbuild/start-cloud-build-stack.js';

// A check step as the contract has it: warnings in $BUILDER_OUTPUT/output, coloured as twine colours them.
const CHECK = [
  'import json, os',
  'message = "\\x1b[33mWARNING\\x1b[0m  long_description missing.\\x1b]0;pwned\\x07 Add readme to [project]."',
  'print(message)',
  'warnings = [{"code": "LONG_DESCRIPTION_MISSING", "message": message, "file": "demo-0.1.0.tar.gz"}]',
  'with open(os.path.join(os.environ["BUILDER_OUTPUT"], "output"), "w") as out:',
  '    json.dump({"warnings": warnings}, out)',
].join('\n');
const RECORDED = [
  {
    code: 'LONG_DESCRIPTION_MISSING',
    message: 'WARNING  long_description missing. Add readme to [project].',
    file: 'demo-0.1.0.tar.gz',
  },
];

describe('warnings written by a check step, read back through Cloud Build', () => {
  let stack: CloudBuildStack;
  beforeAll(async () => {
    stack = await startCloudBuildStack();
  });
  afterAll(() => stack?.stop());

  it('arrive cleaned from the notification (REST JSON) and from the client\u2019s getBuild (bytes)', async () => {
    const { client, projectId } = stack;
    const [operation] = await client.createBuild({
      projectId,
      build: {
        steps: [
          { id: 'fetch', name: 'bash', entrypoint: '/bin/true' },
          { id: 'check', name: 'python', entrypoint: '/usr/bin/python3', args: ['-c', CHECK] },
        ],
      },
    });
    const id = queuedBuildOf(operation).id ?? '';
    const build = await stack.waitForBuild(id);
    expect(statusName(build.status)).toBe('SUCCESS');
    expect(readBuild(toBuildJson(build))?.warnings).toEqual(RECORDED);

    const notifications = await stack.waitForNotifications(id, ['SUCCESS']);
    const final = notifications.find((n) => n.attributes['status'] === 'SUCCESS');
    expect(readBuildNotification(Buffer.from(JSON.stringify(final?.build)))?.warnings).toEqual(RECORDED);
  });
});
