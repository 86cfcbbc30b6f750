import type { ProjectFiles } from '../../../local/demo/sample-project.js';

/** A project whose backend finds its code by the project's name, and whose version is computed (or from git). */
export interface RenameShape {
  files: ProjectFiles;
  /** The import name, which a rename keeps. */
  module: string;
  /** The version the project's files name, when not taken from the tag. */
  builtVersion?: string;
}

const BUILT = '0.9.0';
const README = '# tomli-like\n\nSays hello.\n';

function system(requires: string[], backend: string): string {
  return `[build-system]\nrequires = ${JSON.stringify(requires)}\nbuild-backend = "${backend}"\n\n`;
}

function moduleSource(module: string, withVersion = true): string {
  return `"""Says hello."""\n\n${withVersion ? `__version__ = "${BUILT}"\n\n` : ''}\ndef hello():\n    return "hello from ${module}"\n`;
}

function shape(module: string, files: ProjectFiles, versionFromTag = false): RenameShape {
  return {
    files: { 'README.md': README, ...files },
    module,
    ...(versionFromTag ? {} : { builtVersion: BUILT }),
  };
}

/** One shape per backend, each with nothing pinned that a rename would need: the cases of issue 15. */
export const renameShapes = {
  'setuptools (PEP 621, attr version)': shape('rn_st', {
    'pyproject.toml':
      system(['setuptools>=61'], 'setuptools.build_meta') +
      '[project]\nname = "rn-st"\ndynamic = ["version"]\ndescription = "d"\nreadme = "README.md"\n\n' +
      '[tool.setuptools.dynamic]\nversion = { attr = "rn_st.__version__" }\n',
    'rn_st/__init__.py': moduleSource('rn_st'),
  }),
  'setuptools (setup.cfg)': shape('rn_cfg', {
    'pyproject.toml': system(['setuptools>=61'], 'setuptools.build_meta'),
    'setup.cfg':
      '[metadata]\nname = rn-cfg\nversion = attr: rn_cfg.__version__\ndescription = d\n' +
      'long_description = file: README.md\nlong_description_content_type = text/markdown\n\n' +
      '[options]\npackages = find:\n',
    'setup.py': 'from setuptools import setup\n\nsetup()\n',
    'rn_cfg/__init__.py': moduleSource('rn_cfg'),
  }),
  'setuptools (setup.py only)': shape('rn_py', {
    'setup.py': [
      'from setuptools import setup',
      '',
      'setup(',
      '    name="rn-py",',
      `    version="${BUILT}",`,
      '    description="d",',
      '    long_description=open("README.md").read(),',
      '    long_description_content_type="text/markdown",',
      '    packages=["rn_py"],',
      '    entry_points={"console_scripts": ["rn-py=rn_py:hello"]},',
      '    python_requires=">=3.9",',
      ')',
      '',
    ].join('\n'),
    'rn_py/__init__.py': moduleSource('rn_py'),
  }),
  'setuptools-scm': shape(
    'rn_scm',
    {
      'pyproject.toml':
        system(['setuptools>=61', 'setuptools-scm>=8'], 'setuptools.build_meta') +
        '[project]\nname = "rn-scm"\ndynamic = ["version"]\ndescription = "d"\nreadme = "README.md"\n\n' +
        '[tool.setuptools_scm]\nversion_file = "rn_scm/_version.py"\n',
      'rn_scm/__init__.py': moduleSource('rn_scm', false),
    },
    true,
  ),
  hatchling: shape('rn_ha', {
    'pyproject.toml':
      system(['hatchling'], 'hatchling.build') +
      '[project]\nname = "rn-ha"\ndynamic = ["version"]\ndescription = "d"\nreadme = "README.md"\n\n' +
      '[tool.hatch.version]\npath = "rn_ha/__init__.py"\n',
    'rn_ha/__init__.py': moduleSource('rn_ha'),
  }),
  flit_core: shape('rn_fl', {
    'pyproject.toml':
      system(['flit_core>=3.4,<4'], 'flit_core.buildapi') +
      '[project]\nname = "rn-fl"\ndynamic = ["version", "description"]\nreadme = "README.md"\n',
    'rn_fl/__init__.py': moduleSource('rn_fl'),
  }),
  'poetry-core 1': shape('rn_po', {
    'pyproject.toml':
      system(['poetry-core>=1.0.0,<2'], 'poetry.core.masonry.api') +
      `[tool.poetry]\nname = "rn-po"\nversion = "${BUILT}"\ndescription = "d"\n` +
      'authors = ["a <a@pkgrelay.invalid>"]\nreadme = "README.md"\n\n[tool.poetry.dependencies]\npython = ">=3.9"\n',
    'rn_po/__init__.py': moduleSource('rn_po'),
  }),
  'poetry-core 2 (src layout)': shape('rn_p2', {
    'pyproject.toml':
      system(['poetry-core>=2,<3'], 'poetry.core.masonry.api') +
      `[project]\nname = "rn-p2"\nversion = "${BUILT}"\ndescription = "d"\nreadme = "README.md"\n`,
    'src/rn_p2/__init__.py': moduleSource('rn_p2'),
  }),
  'pdm-backend': shape('rn_pd', {
    'pyproject.toml':
      system(['pdm-backend'], 'pdm.backend') +
      '[project]\nname = "rn-pd"\ndynamic = ["version"]\ndescription = "d"\nreadme = "README.md"\n\n' +
      '[tool.pdm.version]\nsource = "file"\npath = "src/rn_pd/__init__.py"\n',
    'src/rn_pd/__init__.py': moduleSource('rn_pd'),
  }),
} satisfies Record<string, RenameShape>;
