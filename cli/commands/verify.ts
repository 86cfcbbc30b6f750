import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Argument, Command } from 'commander';
import { CliError, ExitCode } from '../exit-codes.js';
import { findFileProvenance, type FileProvenance } from '../find-file-provenance.js';
import { openTargetBucket } from '../open-target.js';
import { printJson, printText } from '../print-output.js';
import { addTargetOptions, resolveTarget, type TargetOptions } from '../resolve-target.js';
import { runAction } from '../run-action.js';

interface VerifyOptions extends TargetOptions {
  json?: boolean;
}

/** `pkgrelay verify FILE`: where a wheel or sdist came from, by its sha256 and pkgrelay's provenance. */
export function createVerifyCommand(): Command {
  return addTargetOptions(
    new Command('verify')
      .description('say which repository, tag and commit a wheel or sdist was built from, by its sha256')
      .addArgument(new Argument('<file>', 'a wheel or sdist (from the index, pip download, or pip’s cache)'))
      .option('--json', 'print the finding and the provenance statement as JSON'),
  )
    .addHelpText(
      'after',
      `\nExit 0 when pkgrelay built the file, ${ExitCode.notBuilt} when it did not (unknown sha256, or a file named like one of its own with other bytes), 1 when its record is inconsistent.`,
    )
    .action(
      runAction(async (file: string, options: VerifyOptions) => {
        const sha256 = await sha256Of(file);
        const bucket = await openTargetBucket(await resolveTarget(options));
        const found = await findFileProvenance(bucket, basename(file), sha256);
        if (options.json) printJson({ file, sha256, ...found });
        else printText(describe(file, sha256, found));
        return found.kind === 'built' ? ExitCode.ok : ExitCode.notBuilt;
      }),
    );
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, ExitCode.usage, { cause: error });
  }
  return hash.digest('hex');
}

function describe(file: string, sha256: string, found: FileProvenance): string {
  const name = basename(file);
  switch (found.kind) {
    case 'built': {
      const { buildDefinition, runDetails } = found.statement.predicate;
      const source = buildDefinition.resolvedDependencies[0];
      const { startedOn, finishedOn } = runDetails.metadata;
      return [
        `✓ ${name} was built by pkgrelay (sha256 ${sha256})`,
        `  file        ${found.record.filename}`,
        `  repository  ${found.record.repository}`,
        `  tag         ${found.record.tag}`,
        `  commit      ${source?.digest?.['gitCommit'] ?? 'not recorded'}`,
        `  source      ${source?.uri ?? buildDefinition.externalParameters.source}`,
        `  build       ${runDetails.metadata.invocationId}${startedOn && finishedOn ? ` (${startedOn} → ${finishedOn})` : ''}`,
        `  statement   ${found.record.statement}`,
      ].join('\n');
    }
    case 'lookalike':
      return [
        `✗ ${name} was not built by pkgrelay: its sha256 is ${sha256},`,
        `  but the ${found.artifact.filename} pkgrelay built from ${found.job.repository} ${found.job.tag} has ${found.artifact.sha256}`,
        '  (a file built again from the sdist, modified, or from another index)',
      ].join('\n');
    case 'unknown':
      return `✗ ${name} was not built by pkgrelay: no file it published has sha256 ${sha256}`;
  }
}
