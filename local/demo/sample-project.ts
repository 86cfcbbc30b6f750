/** The files of a sample Python project, relative path → content, ready for createUpstreamRepository. */
export type ProjectFiles = Record<string, string>;

export interface SampleOptions {
  /** Overrides `build-system.requires` (e.g. a backend newer than the machine has). */
  requires?: readonly string[];
}

const DESCRIPTION = 'A GitHub-only package that pkgrelay publishes';

// The module reads its version from its installed metadata where the backend takes it from git.
function moduleSource(name: string, version: string | undefined): string {
  const versionLine =
    version === undefined
      ? `from importlib.metadata import version as _version\n\n__version__ = _version("${name}")`
      : `__version__ = "${version}"`;
  return `"""${DESCRIPTION}."""\n\n${versionLine}\n\n\ndef hello():\n    return "hello from ${name} " + __version__\n`;
}

function buildSystem(requires: readonly string[], backend: string): string[] {
  return [
    '[build-system]',
    `requires = [${requires.map((req) => JSON.stringify(req)).join(', ')}]`,
    `build-backend = "${backend}"`,
    '',
  ];
}

function project(name: string, version: string | undefined): string[] {
  return [
    '[project]',
    `name = "${name}"`,
    version === undefined ? 'dynamic = ["version"]' : `version = "${version}"`,
    `description = "${DESCRIPTION}"`,
    'readme = "README.md"',
    'requires-python = ">=3.9"',
    '',
  ];
}

function common(name: string, module: string, version: string | undefined): ProjectFiles {
  return {
    'README.md': `# ${name}\n\nSays hello.\n`,
    [`${module}/__init__.py`]: moduleSource(name, version),
  };
}

/** A small setuptools project (PEP 621) whose module says hello: the upstream the demo and the tests tag. */
export function sampleSetuptoolsProject(
  name: string,
  module: string,
  version: string,
  options: SampleOptions = {},
): ProjectFiles {
  return {
    'pyproject.toml': [
      ...buildSystem(options.requires ?? ['setuptools>=61'], 'setuptools.build_meta'),
      ...project(name, version),
      '[tool.setuptools]',
      `packages = ["${module}"]`,
      '',
    ].join('\n'),
    ...common(name, module, version),
  };
}

/** A legacy setuptools project: `setup.py` only, no `pyproject.toml`. */
export function sampleSetupPyProject(name: string, module: string, version: string): ProjectFiles {
  return {
    'setup.py': [
      'from setuptools import setup',
      '',
      'setup(',
      `    name="${name}",`,
      `    version="${version}",`,
      `    description="${DESCRIPTION}",`,
      '    long_description=open("README.md").read(),',
      '    long_description_content_type="text/markdown",',
      `    packages=["${module}"],`,
      '    python_requires=">=3.9",',
      ')',
      '',
    ].join('\n'),
    ...common(name, module, version),
  };
}

/** A hatchling project (PEP 621). */
export function sampleHatchlingProject(
  name: string,
  module: string,
  version: string,
  options: SampleOptions = {},
): ProjectFiles {
  return {
    'pyproject.toml': [
      ...buildSystem(options.requires ?? ['hatchling'], 'hatchling.build'),
      ...project(name, version),
      '[tool.hatch.build.targets.wheel]',
      `packages = ["${module}"]`,
      '',
    ].join('\n'),
    ...common(name, module, version),
  };
}

/** A flit project (flit_core, PEP 621); the module name differs from the distribution's, as flit allows. */
export function sampleFlitProject(name: string, module: string, version: string): ProjectFiles {
  return {
    'pyproject.toml': [
      ...buildSystem(['flit_core>=3.4,<4'], 'flit_core.buildapi'),
      ...project(name, version),
      '[tool.flit.module]',
      `name = "${module}"`,
      '',
    ].join('\n'),
    ...common(name, module, version),
  };
}

/** A poetry-core project with its metadata in `[tool.poetry]` (poetry-core 1.x, before PEP 621). */
export function samplePoetryProject(name: string, module: string, version: string): ProjectFiles {
  return {
    'pyproject.toml': [
      ...buildSystem(['poetry-core>=1.0.0'], 'poetry.core.masonry.api'),
      '[tool.poetry]',
      `name = "${name}"`,
      `version = "${version}"`,
      `description = "${DESCRIPTION}"`,
      'authors = ["pkgrelay demo <demo@pkgrelay.invalid>"]',
      'readme = "README.md"',
      `packages = [{ include = "${module}" }]`,
      '',
      '[tool.poetry.dependencies]',
      'python = ">=3.9"',
      '',
    ].join('\n'),
    ...common(name, module, version),
  };
}

/** A poetry-core 2 project: PEP 621 metadata, which poetry-core 1.x cannot read. */
export function samplePoetry2Project(name: string, module: string, version: string): ProjectFiles {
  return {
    'pyproject.toml': [
      ...buildSystem(['poetry-core>=2.0.0,<3.0.0'], 'poetry.core.masonry.api'),
      ...project(name, version),
      '[tool.poetry]',
      `packages = [{ include = "${module}" }]`,
      '',
    ].join('\n'),
    ...common(name, module, version),
  };
}

/** A setuptools-scm project: no version in the files, it comes from the git tag. */
export function sampleScmProject(name: string, module: string): ProjectFiles {
  return {
    'pyproject.toml': [
      ...buildSystem(['setuptools>=61', 'setuptools-scm>=7'], 'setuptools.build_meta'),
      ...project(name, undefined),
      '[tool.setuptools]',
      `packages = ["${module}"]`,
      '',
      '[tool.setuptools_scm]',
      '',
    ].join('\n'),
    ...common(name, module, undefined),
  };
}
