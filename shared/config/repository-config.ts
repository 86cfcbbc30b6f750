import { z } from 'zod';
import { RepositoryName } from '../contracts/repository-name.js';

// PEP 508 distribution names.
const DISTRIBUTION_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

export const VersionPolicy = ['must-match', 'from-tag'] as const;

export const RepositoryConfig = z
  .object({
    repository: RepositoryName,
    tagPrefix: z
      .string()
      .max(100)
      .optional()
      .describe('Tags are "<tagPrefix><version>". Unset: "v1.2.3" and "1.2.3" both count.'),
    tagPattern: z
      .string()
      .max(500)
      .refine(isRegExp, 'is not a valid regular expression')
      .optional()
      .describe('A regular expression the whole tag must match (it is anchored for you).'),
    prereleases: z.boolean().default(false).describe('Publish pre-releases (rc, beta, dev) too.'),
    subdirectory: z
      .string()
      .default('')
      .refine(
        (dir) => !dir.startsWith('/') && !dir.split('/').includes('..') && !dir.includes('\\'),
        'must be a relative folder inside the repository, without ".."',
      )
      .describe('Folder of the Python project inside the repository (monorepos).'),
    distributionName: z
      .string()
      .regex(DISTRIBUTION_NAME, 'must be a valid Python distribution name (PEP 508)')
      .optional()
      .describe('Publish under this name instead of the project own (e.g. a company prefix).'),
    versionPolicy: z
      .enum(VersionPolicy)
      .default('must-match')
      .describe(
        '"must-match": the built version must equal the tag; "from-tag": the tag version is written into the package.',
      ),
    pythonVersion: z
      .string()
      .regex(/^3\.\d{1,2}$/, 'must look like "3.12"')
      .default('3.12')
      .describe('Python used by the build in Cloud Build.'),
    private: z.boolean().default(false).describe('The upstream needs a token to clone.'),
    tokenSecret: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,255}$/, 'must be a Secret Manager secret id')
      .optional()
      .describe('Secret Manager secret holding the token of a private upstream.'),
  })
  .strict()
  .refine((repo) => !repo.private || repo.tokenSecret, {
    message: 'a private repository needs "tokenSecret", the Secret Manager secret that holds its token',
    path: ['tokenSecret'],
  });

export type RepositoryConfig = z.infer<typeof RepositoryConfig>;

export const RepositoriesFile = z
  .object({
    $schema: z.string().optional(),
    repositories: z.array(RepositoryConfig),
  })
  .strict();

function isRegExp(source: string): boolean {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}
