/** A small setuptools project (PEP 621) whose module says hello: the upstream the demo and the tests tag. */
export function sampleSetuptoolsProject(
  name: string,
  module: string,
  version: string,
): Record<string, string> {
  return {
    'pyproject.toml': [
      '[build-system]',
      'requires = ["setuptools>=61"]',
      'build-backend = "setuptools.build_meta"',
      '',
      '[project]',
      `name = "${name}"`,
      `version = "${version}"`,
      'description = "A GitHub-only package that pkgrelay publishes"',
      'readme = "README.md"',
      'requires-python = ">=3.9"',
      '',
      '[tool.setuptools]',
      `packages = ["${module}"]`,
      '',
    ].join('\n'),
    'README.md': `# ${name}\n\nSays hello.\n`,
    [`${module}/__init__.py`]: `__version__ = "${version}"\n\n\ndef hello():\n    return "hello from ${name} ${version}"\n`,
  };
}
