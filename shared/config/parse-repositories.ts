import { repositoryKey } from '../contracts/repository-name.js';
import { ConfigError } from '../errors.js';
import { RepositoriesFile, type RepositoryConfig } from './repository-config.js';

/**
 * A repositories document (file or gs:// object) checked as every function checks it: JSON, the schema,
 * no repository listed twice. Throws a ConfigError naming `source`, each entry by its repository.
 */
export function parseRepositories(text: string, source: string): RepositoryConfig[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(source, [`is not valid JSON: ${(error as Error).message}`]);
  }
  const parsed = RepositoriesFile.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(
      source,
      parsed.error.issues.map((issue) => `${describePath(issue.path, json)}: ${issue.message}`),
    );
  }
  const seen = new Set<string>();
  const duplicates = parsed.data.repositories
    .map((repo) => repo.repository)
    .filter((name) => seen.size === seen.add(repositoryKey(name)).size);
  if (duplicates.length) {
    throw new ConfigError(
      source,
      duplicates.map((name) => `repositories: "${name}" is listed twice; keep one entry`),
    );
  }
  return parsed.data.repositories;
}

// Names an entry by its repository (and a package by its name) rather than its index, so the error points at the right line.
function describePath(path: readonly PropertyKey[], json: unknown): string {
  if (path[0] === 'repositories' && typeof path[1] === 'number') {
    const entry = (json as { repositories: Array<Record<string, unknown>> }).repositories[path[1]];
    const head = `repositories[${path[1]}]${named(entry?.['repository'])}`;
    if (path[2] === 'packages' && typeof path[3] === 'number') {
      const packages = entry?.['packages'] as Array<Record<string, unknown> | undefined>;
      const name = named(packages[path[3]]?.['name']);
      return [head, `packages[${path[3]}]${name}`, ...path.slice(4).map(String)].join('.');
    }
    return [head, ...path.slice(2).map(String)].join('.');
  }
  return path.map(String).join('.') || '(file)';
}

function named(value: unknown): string {
  return typeof value === 'string' ? ` (${value})` : '';
}
