import { protos } from '@google-cloud/cloudbuild';
import { describe, expect, it } from 'vitest';
import { toBuildJson } from '../../../functions/reconcile/to-build-json.js';
import { readBuild, readBuildNotification } from '../../../shared/build/read-build-notification.js';

const STEPS = ['fetch', 'build', 'verify', 'check', 'upload'];
const ESC = '\u001b';
const TWINE = {
  code: 'LONG_DESCRIPTION_MISSING',
  // As twine prints it on a terminal: colour around the level, and an OSC title set thrown in.
  message: `${ESC}[33mWARNING${ESC}[0m  \`long_description\` missing.${ESC}]0;pwned\u0007 Add readme = "README.md".`,
  file: 'widgets-1.0.0.tar.gz',
};
const CLEAN = {
  code: 'LONG_DESCRIPTION_MISSING',
  message: 'WARNING  `long_description` missing. Add readme = "README.md".',
  file: 'widgets-1.0.0.tar.gz',
};

/** A Build as REST JSON, step outputs in base64 unless given as bytes. */
function build(
  outputs: Record<string, unknown>,
  status = 'SUCCESS',
  stepStatus: Record<string, string> = {},
) {
  return {
    id: 'b-1',
    status,
    substitutions: { _PKGRELAY_REPOSITORY: 'o/n', _PKGRELAY_TAG: 'v1.0.0', _PKGRELAY_ATTEMPT: '1' },
    steps: STEPS.map((id) => ({ id, status: stepStatus[id] ?? 'SUCCESS' })),
    results: {
      buildStepOutputs: STEPS.map((id) => {
        const output = outputs[id];
        if (output === undefined) return '';
        return output instanceof Uint8Array ? output : Buffer.from(JSON.stringify(output)).toString('base64');
      }),
    },
  };
}

describe('warnings of the check step', () => {
  it('come from a notification (REST JSON, base64 outputs), cleaned of terminal controls', () => {
    const data = Buffer.from(JSON.stringify(build({ check: { warnings: [TWINE] } })));
    expect(readBuildNotification(data)?.warnings).toEqual([CLEAN]);
  });

  it('come from bytes, as the client library hands step outputs over', () => {
    const bytes = new Uint8Array(Buffer.from(JSON.stringify({ warnings: [TWINE] })));
    expect(readBuild(build({ check: bytes }))?.warnings).toEqual([CLEAN]);
    expect(readBuild(build({ check: Buffer.from(bytes) }))?.warnings).toEqual([CLEAN]);
  });

  it('come through a real Cloud Build message as reconcile reads it', () => {
    const { Build } = protos.google.devtools.cloudbuild.v1;
    const message = Build.decode(
      Build.encode(
        Build.fromObject({
          ...build({}),
          status: 'SUCCESS',
          steps: STEPS.map((id) => ({ id, status: 'SUCCESS' })),
          results: {
            buildStepOutputs: STEPS.map((id) =>
              id === 'check' ? Buffer.from(JSON.stringify({ warnings: [TWINE] })) : Buffer.alloc(0),
            ),
          },
        }),
      ).finish(),
    );
    expect(readBuild(toBuildJson(message))?.warnings).toEqual([CLEAN]);
  });

  it('are empty when the check step says nothing, wrote no JSON, or is not there', () => {
    expect(readBuild(build({ check: { warnings: [] } }))?.warnings).toEqual([]);
    expect(readBuild(build({}))?.warnings).toEqual([]);
    expect(readBuild({ ...build({ check: { warnings: [TWINE] } }), steps: [] })?.warnings).toEqual([]);
    const notJson = { ...build({}), results: { buildStepOutputs: ['', '', '', 'bm90IGpzb24=', ''] } };
    expect(readBuild(notJson)?.warnings).toEqual([]);
  });

  it('are only the check step\u2019s: a build step that runs upstream code cannot add any', () => {
    expect(readBuild(build({ build: { warnings: [TWINE] } }))?.warnings).toEqual([]);
  });

  it('are bounded: at most 20, messages and file names capped, malformed ones left out', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ code: `CODE_${i}`, message: `warning ${i}` }));
    const read = readBuild(build({ check: { warnings: many } }))?.warnings ?? [];
    expect(read.map((warning) => warning.code)).toEqual(many.slice(0, 20).map((warning) => warning.code));

    const [long] =
      readBuild(
        build({ check: { warnings: [{ code: 'LONG', message: 'x'.repeat(5000), file: 'f'.repeat(400) }] } }),
      )?.warnings ?? [];
    expect(long?.message).toHaveLength(1000);
    expect(long?.message.endsWith('…')).toBe(true);
    expect(long?.file).toHaveLength(255);

    const mixed = [
      { code: 'lower_case', message: 'a code must be upper case' },
      { code: 'NO_MESSAGE' },
      'not an object',
      { code: `A${'B'.repeat(64)}`, message: 'a code of 65 characters' },
      { code: 'FUTURE_CODE_2', message: 'codes may grow', extra: 'ignored' },
      { code: 'EMPTY_FILE', message: 'a file of nothing but controls is left out', file: `${ESC}[0m` },
    ];
    expect(readBuild(build({ check: { warnings: mixed } }))?.warnings).toEqual([
      { code: 'FUTURE_CODE_2', message: 'codes may grow' },
      { code: 'EMPTY_FILE', message: 'a file of nothing but controls is left out' },
    ]);
    expect(readBuild(build({ check: { warnings: 'not a list' } }))?.warnings).toEqual([]);
  });

  it('are read beside the error of a failed check, whose message and log tail are cleaned too', () => {
    const error = {
      code: 'METADATA_INVALID',
      message: `twine check failed: ${ESC}[31mERROR${ESC}[0m bad markup`,
      logTail: `Checking dist/w.tar.gz: ${ESC}[31mFAILED${ESC}[0m\r\nline 2\u0007\n${ESC}]52;c;ZXZpbA==\u0007`,
    };
    const read = readBuild(
      build({ check: { error, warnings: [TWINE] } }, 'FAILURE', { check: 'FAILURE', upload: 'QUEUED' }),
    );
    expect(read?.failedStep).toEqual({
      id: 'check',
      error: {
        code: 'METADATA_INVALID',
        message: 'twine check failed: ERROR bad markup',
        logTail: 'Checking dist/w.tar.gz: FAILED\nline 2\n',
      },
    });
    expect(read?.warnings).toEqual([CLEAN]);
  });

  it('leave Cloud Build\u2019s own failure detail cleaned as well', () => {
    const read = readBuild({ ...build({}, 'INTERNAL_ERROR'), statusDetail: `worker lost${ESC}[2K\r` });
    expect(read?.failureDetail).toBe('worker lost');
  });
});
