import { Argument, Command, Option } from 'commander';
import { parseRepositories } from '../../shared/config/parse-repositories.js';
import { findRepository } from '../../shared/config/find-repository.js';
import type { RepositoryConfig } from '../../shared/config/repository-config.js';
import { VersionPolicy } from '../../shared/config/repository-config.js';
import { ConfigError } from '../../shared/errors.js';
import { editCatalog, type EditResult, type RawEntry } from '../catalog/edit-catalog.js';
import { listChanges } from '../catalog/list-changes.js';
import { openCatalog, type CatalogTargetOptions } from '../catalog/open-catalog.js';
import { planAdd, planRemove } from '../catalog/plan-catalog-edit.js';
import { readCatalogDocument } from '../catalog/read-catalog-document.js';
import { resolveActor } from '../catalog/resolve-actor.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { formatAge, formatTable } from '../format-table.js';
import { parseRepository } from '../parse-arguments.js';
import { printJson, printText } from '../print-output.js';
import { progress } from '../print-progress.js';
import { runAction } from '../run-action.js';

interface CommonOptions extends CatalogTargetOptions {
  json?: boolean;
}

interface EditOptions extends CommonOptions {
  by?: string;
}

interface AddOptions extends EditOptions {
  entry?: string;
  replace?: boolean;
  tagPrefix?: string;
  tagPattern?: string;
  prereleases?: boolean;
  subdirectory?: string;
  distributionName?: string;
  versionPolicy?: string;
  pythonVersion?: string;
  private?: boolean;
  tokenSecret?: string;
  packages?: string;
  existingTags?: string;
  pollInterval?: string;
}

/** `pkgrelay repositories add|remove|list|show`: the served repositories, edited where the functions read them. */
export function createRepositoriesCommand(): Command {
  return new Command('repositories')
    .description('edit and list the served repositories (the gs:// catalog the functions read at run time)')
    .addHelpText(
      'after',
      '\nThe functions look at the catalog again within PKGRELAY_CONFIG_REFRESH_SECONDS (30 s): no redeploy, no restart.',
    )
    .addCommand(
      withTarget(new Command('add'), true)
        .description('serve a repository: its entry is validated as the repositories file is, then stored')
        .addArgument(new Argument('<repository>', 'owner/name').argParser(parseRepository))
        .option('--entry <json>', 'the whole entry as JSON, as in the repositories file')
        .option('--tag-prefix <prefix>', 'tags are "<prefix><version>"')
        .option('--tag-pattern <re2>', 'a regular expression the whole tag must match')
        .option('--prereleases', 'publish pre-releases too')
        .option('--subdirectory <dir>', 'folder of the Python project inside the repository')
        .option('--distribution-name <name>', 'publish under this name')
        .addOption(new Option('--version-policy <policy>').choices(VersionPolicy))
        .option('--python-version <version>', 'Python of the build, e.g. 3.12')
        .option('--private', 'the upstream needs a token (with --token-secret)')
        .option('--token-secret <id>', 'Secret Manager secret holding the upstream token')
        .option('--packages <json>', 'the packages of a monorepo, as a JSON list')
        .option(
          '--existing-tags <which>',
          'tags upstream has already, built at the first poll: all, none or latest:N',
        )
        .option('--poll-interval <duration>', 'how often reconcile lists its tags, e.g. 5m')
        .option('--replace', 'replace the entry of a repository that is served already')
        .action(
          runAction(async (repository: string, options: AddOptions) => {
            const entry = {
              ...readJsonOption(options.entry, '--entry', 'object'),
              ...entryFlags(options),
              repository,
            };
            return report(await edit(options, planAdd(entry, options.replace === true)), options);
          }),
        ),
    )
    .addCommand(
      withTarget(new Command('remove'), true)
        .description('stop serving a repository (its jobs and packages stay)')
        .addArgument(new Argument('<repository>', 'owner/name').argParser(parseRepository))
        .action(
          runAction(async (repository: string, options: EditOptions) =>
            report(await edit(options, planRemove(repository)), options),
          ),
        ),
    )
    .addCommand(
      withTarget(new Command('list'), false)
        .description('the served repositories')
        .action(
          runAction(async (options: CommonOptions) => {
            const { repositories, generation, url } = await readServed(options);
            if (options.json) printJson({ catalog: url, generation, repositories });
            else
              printText(
                repositories.length
                  ? formatTable(
                      ['REPOSITORY', 'PACKAGES', 'TAGS', 'PYTHON'],
                      repositories.map((repo) => [
                        repo.repository,
                        repo.packages?.map((pkg) => pkg.name ?? pkg.tagPrefix ?? '?').join(', ') ?? '-',
                        repo.tagPattern ??
                          (repo.tagPrefix === undefined
                            ? 'v<version> or <version>'
                            : `${repo.tagPrefix}<version>`),
                        repo.pythonVersion,
                      ]),
                    )
                  : `No repositories are served by ${url}.`,
              );
            return ExitCode.ok;
          }),
        ),
    )
    .addCommand(
      withTarget(new Command('show'), false)
        .description('one served repository: its entry and its recent changes (who, when, what)')
        .addArgument(new Argument('<repository>', 'owner/name').argParser(parseRepository))
        .action(
          runAction(async (repository: string, options: CommonOptions) => {
            const { repositories, target } = await readServed(options);
            const entry = findRepository(repositories, repository);
            const changes = await listChanges(target, repository);
            if (options.json) printJson({ repository, served: entry ?? null, changes });
            else {
              const history = changes.map((change) =>
                'unreadable' in change
                  ? `  ${change.path}: unreadable (${change.unreadable})`
                  : `  ${change.at}  ${change.op.padEnd(7)}  by ${change.by} (${formatAge(change.at)}), generation ${change.generation ?? '?'}`,
              );
              printText(
                [
                  entry ? JSON.stringify(entry, null, 2) : `${repository} is not served.`,
                  '',
                  history.length ? 'CHANGES (newest first)' : 'No recorded changes.',
                  ...history,
                ].join('\n'),
              );
            }
            return entry ? ExitCode.ok : ExitCode.failed;
          }),
        ),
    );
}

function withTarget(command: Command, edits: boolean): Command {
  command
    .option('--stack <dir>', 'the local stack folder holding stack.json', '.pkgrelay')
    .option('--project <id>', 'Google Cloud project (instead of the local stack)')
    .option(
      '--catalog <url>',
      'the gs://bucket/object the functions read (default with --project: gs://<project>-pkgrelay-config/repositories.json)',
    )
    .option('--json', 'print JSON on stdout');
  if (edits) command.option('--by <who>', 'who makes the change (default: the gcloud account, else $USER)');
  return command;
}

async function edit(options: EditOptions, plan: Parameters<typeof editCatalog>[1]): Promise<EditResult> {
  const target = await openCatalog(options);
  return editCatalog(target, plan, { by: await resolveActor(options.by, target.kind === 'cloud') });
}

function report(result: EditResult, options: CommonOptions): number {
  const { change } = result;
  if (options.json) printJson(result);
  else
    progress(
      `${change.op === 'remove' ? 'Removed' : change.op === 'add' ? 'Added' : 'Replaced'} ${change.repository} (generation ${change.generation}, by ${change.by}); served within ${process.env['PKGRELAY_CONFIG_REFRESH_SECONDS'] ?? '30'} s. Recorded in ${result.record}.`,
    );
  if (change.op === 'add') {
    // Adding a repository with a long history builds all of it unless told otherwise: say so before it starts.
    const existing = JSON.stringify(change.after?.['existingTags'] ?? 'all');
    progress(
      `Its first poll builds the tags it already has as existingTags ${existing} says; see which with: pkgrelay poll ${change.repository} --dry-run (--replace --existing-tags none|latest:N to change it first).`,
    );
  }
  const secret = change.after?.['tokenSecret'];
  if (typeof secret === 'string')
    progress(
      `Builds read ${secret} only once the builds account may: run pkgrelay deploy again, or grant it roles/secretmanager.secretAccessor on that secret.`,
    );
  return ExitCode.ok;
}

async function readServed(options: CommonOptions) {
  const target = await openCatalog(options);
  const current = await readCatalogDocument(target);
  if (!current) return { target, url: target.url, generation: null, repositories: [] as RepositoryConfig[] };
  try {
    return {
      target,
      url: target.url,
      generation: current.generation,
      repositories: parseRepositories(current.text, target.url),
    };
  } catch (error) {
    if (error instanceof ConfigError)
      throw new CliError(
        `${error.message}\nThe functions keep serving their last good list.`,
        ExitCode.failed,
      );
    throw error;
  }
}

function entryFlags(options: AddOptions): RawEntry {
  const flags: RawEntry = {
    tagPrefix: options.tagPrefix,
    tagPattern: options.tagPattern,
    prereleases: options.prereleases,
    subdirectory: options.subdirectory,
    distributionName: options.distributionName,
    versionPolicy: options.versionPolicy,
    pythonVersion: options.pythonVersion,
    private: options.private,
    tokenSecret: options.tokenSecret,
    packages:
      options.packages === undefined ? undefined : readJsonOption(options.packages, '--packages', 'array'),
    existingTags: options.existingTags === undefined ? undefined : parseExistingTags(options.existingTags),
    pollInterval: options.pollInterval,
  };
  return Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined));
}

/** `all`, `none` or `latest:N`, as the entry's `existingTags` spells them. */
function parseExistingTags(value: string): unknown {
  if (value === 'all' || value === 'none') return value;
  const latest = /^latest:([1-9][0-9]*)$/.exec(value);
  if (latest) return { latest: Number(latest[1]) };
  throw new CliError(`--existing-tags must be all, none or latest:N, not "${value}"`, ExitCode.usage);
}

function readJsonOption(value: string | undefined, option: string, shape: 'object' | 'array'): RawEntry {
  if (value === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (error) {
    throw new CliError(`${option} is not valid JSON: ${(error as Error).message}`, ExitCode.usage);
  }
  const fits =
    shape === 'array'
      ? Array.isArray(json)
      : typeof json === 'object' && json !== null && !Array.isArray(json);
  if (!fits) throw new CliError(`${option} must be a JSON ${shape}`, ExitCode.usage);
  return json as RawEntry;
}
