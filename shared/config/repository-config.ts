import { z } from 'zod';
import { RepositoryName } from '../contracts/repository-name.js';
import { compileTagPattern } from './compile-tag-pattern.js';
import { findPackageConflicts } from './find-package-conflicts.js';
import { Notifications } from './notification-config.js';

// PEP 508 distribution names.
const DISTRIBUTION_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

export const VersionPolicy = ['must-match', 'from-tag'] as const;

// The options a package of a repository may set; on the repository they are the defaults of its packages.
const TagPrefix = z
  .string()
  .max(100)
  .describe('Tags are "<tagPrefix><version>". Unset: "v1.2.3" and "1.2.3" both count.');
const TagPattern = z
  .string()
  .max(500)
  .superRefine((source, context) => {
    const pattern = compileTagPattern(source);
    if (!pattern.success) context.addIssue({ code: 'custom', message: pattern.error });
  })
  .describe(
    'A regular expression in RE2 syntax (linear-time: no lookarounds or backreferences) the whole tag must match (it is anchored for you).',
  );
const Prereleases = z.boolean().describe('Publish pre-releases (rc, beta, dev) too.');
const Subdirectory = z
  .string()
  .refine(
    (dir) => !dir.startsWith('/') && !dir.split('/').includes('..') && !dir.includes('\\'),
    'must be a relative folder inside the repository, without ".."',
  )
  .describe('Folder of the Python project inside the repository (monorepos).');
const DistributionName = z
  .string()
  .regex(DISTRIBUTION_NAME, 'must be a valid Python distribution name (PEP 508)')
  .describe('Publish under this name instead of the project own (e.g. a company prefix).');
const Policy = z
  .enum(VersionPolicy)
  .describe(
    '"must-match": the built version must equal the tag; "from-tag": the tag version is written into the package.',
  );
// The steps import tomllib (3.11) and the pinned tools support 3.11 and newer.
const MIN_PYTHON_MINOR = 11;

const PythonVersion = z
  .string()
  .regex(/^3\.\d{1,2}$/, 'must look like "3.12"')
  .refine(
    (version) => Number(version.split('.')[1]) >= MIN_PYTHON_MINOR,
    `must be 3.${MIN_PYTHON_MINOR} or newer: the build steps need tomllib and the pinned tools need it`,
  )
  .describe('Python used by the build in Cloud Build.');

// Reconcile runs every minute in Google Cloud; shorter intervals there mean "every run" (tests use seconds).
const POLL_INTERVAL = /^(\d{1,5})(s|m|h)$/;
const MIN_POLL_SECONDS = 10;
const MAX_POLL_SECONDS = 86_400;

/** The default poll interval of a repository, in seconds. */
export const DEFAULT_POLL_SECONDS = 300;

/** Seconds of a `pollInterval` such as "30s", "5m" or "2h"; undefined when it is not one. */
export function parsePollInterval(text: string): number | undefined {
  const match = POLL_INTERVAL.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as 's' | 'm' | 'h'];
}

const PollInterval = z
  .string()
  .refine((text) => {
    const seconds = parsePollInterval(text);
    return seconds !== undefined && seconds >= MIN_POLL_SECONDS && seconds <= MAX_POLL_SECONDS;
  }, 'must be a duration like "30s", "5m" or "2h", from 10s to 24h')
  .describe(
    'How often reconcile lists the upstream tags (default "5m"); in Google Cloud reconcile itself runs every minute.',
  );

const ExistingTags = z
  .union([z.enum(['all', 'none']), z.object({ latest: z.number().int().min(1).max(1000) }).strict()])
  .describe(
    'At the first poll, which tags the upstream already has are built: "all" (default), "none", or {"latest": N} of each package.',
  );

const repositoryOnly = (field: string) =>
  z
    .never({ error: `is a repository setting: set "${field}" once on the repository, beside "packages"` })
    .optional();

/** One entry of a repository's `packages`: its own options, each defaulting to the repository's. */
export const PackageEntry = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be letters, digits, ".", "_" or "-" (at most 100)')
      .optional()
      .describe(
        'Names the package in answers and status documents (default: distributionName, else subdirectory).',
      ),
    tagPrefix: TagPrefix.optional(),
    tagPattern: TagPattern.optional(),
    prereleases: Prereleases.optional(),
    subdirectory: Subdirectory.optional(),
    distributionName: DistributionName.optional(),
    versionPolicy: Policy.optional(),
    pythonVersion: PythonVersion.optional(),
    repository: repositoryOnly('repository'),
    private: repositoryOnly('private'),
    tokenSecret: repositoryOnly('tokenSecret'),
    pollInterval: repositoryOnly('pollInterval'),
    existingTags: repositoryOnly('existingTags'),
    packages: z
      .never({ error: 'packages do not nest: list every package in the repository\u2019s "packages"' })
      .optional(),
  })
  .strict();
export type PackageEntry = z.infer<typeof PackageEntry>;

export const RepositoryConfig = z
  .object({
    repository: RepositoryName,
    tagPrefix: TagPrefix.optional(),
    tagPattern: TagPattern.optional(),
    prereleases: Prereleases.default(false),
    subdirectory: Subdirectory.default(''),
    distributionName: DistributionName.optional(),
    versionPolicy: Policy.default('must-match'),
    pythonVersion: PythonVersion.default('3.12'),
    private: z.boolean().default(false).describe('The upstream needs a token to clone.'),
    tokenSecret: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,255}$/, 'must be a Secret Manager secret id')
      .optional()
      .describe('Secret Manager secret holding the token of a private upstream.'),
    pollInterval: PollInterval.optional(),
    existingTags: ExistingTags.optional(),
    packages: z
      .array(PackageEntry)
      .min(1, 'list at least one package, or drop "packages" for a repository of one package')
      .optional()
      .describe('Several packages of one repository, each told apart by its tags (monorepos).'),
  })
  .strict()
  .refine((repo) => !repo.private || repo.tokenSecret, {
    message: 'a private repository needs "tokenSecret", the Secret Manager secret that holds its token',
    path: ['tokenSecret'],
  })
  .superRefine((repo, context) => {
    for (const message of findPackageConflicts(repo))
      context.addIssue({ code: 'custom', message, path: ['packages'] });
  });

export type RepositoryConfig = z.infer<typeof RepositoryConfig>;

/**
 * What one package is built with: the repository's options, overridden by the package's own.
 * `name` is set only for the packages of a `packages` list.
 */
export type PackageConfig = Omit<RepositoryConfig, 'packages'> & { name?: string };

export const RepositoriesFile = z
  .object({
    $schema: z.string().optional(),
    repositories: z.array(RepositoryConfig),
    notifications: Notifications.optional().describe(
      'Where the notifier sends failures, drift and publications',
    ),
  })
  .strict();
export type RepositoriesFile = z.infer<typeof RepositoriesFile>;
