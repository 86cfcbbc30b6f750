// The ways to install one published version, as text to copy: no DOM, so the README's tests read the same.

const PyPI = 'https://pypi.org/simple/';

/** PEP 503's normalized name: what pip and the index call a project. */
export function normalizeName(name) {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The project name a wheel or sdist file name carries (`name-version…`), normalized. */
export function projectNameOf(filename) {
  const stem = filename.replace(/(\.tar\.gz|\.zip|\.whl)$/, '');
  const name = filename.endsWith('.whl') ? stem.split('-')[0] : stem.slice(0, stem.lastIndexOf('-'));
  return name ? normalizeName(name) : undefined;
}

// Artifact Registry needs Google credentials, which its keyring backend gives pip; other indexes need none.
function needsKeyring(indexUrl) {
  try {
    return new URL(indexUrl).hostname.endsWith('.pkg.dev');
  } catch {
    return false;
  }
}

/**
 * The pip command, the requirements.txt lines, the pip.conf snippet and a Cloud Build step that installs
 * `name==version` from `indexUrl`, with PyPI as the extra index for its dependencies.
 */
export function installSnippets({ indexUrl, name, version }) {
  const requirement = `${name}==${version}`;
  const keyring = 'pip install keyring keyrings.google-artifactregistry-auth';
  const pip = `pip install --index-url ${indexUrl} --extra-index-url ${PyPI} ${requirement}`;
  return [
    { id: 'pip', label: 'pip', text: needsKeyring(indexUrl) ? `${keyring}\n${pip}` : pip },
    {
      id: 'requirements',
      label: 'requirements.txt',
      text: `--index-url ${indexUrl}\n--extra-index-url ${PyPI}\n${requirement}`,
    },
    {
      id: 'pip-conf',
      label: 'pip.conf',
      text: `[global]\nindex-url = ${indexUrl}\nextra-index-url = ${PyPI}`,
    },
    { id: 'cloud-build', label: 'Cloud Build step', text: cloudBuildStep(indexUrl, requirement, name) },
  ];
}

/** A cloudbuild.yaml whose one step installs the requirement in a venv and shows its installed version. */
export function cloudBuildStep(indexUrl, requirement, name) {
  return [
    'steps:',
    '  - name: python:3.12',
    '    entrypoint: bash',
    '    args:',
    '      - -c',
    '      - |',
    '        python3 -m venv /workspace/venv && . /workspace/venv/bin/activate',
    '        pip install keyring keyrings.google-artifactregistry-auth',
    `        pip install --index-url ${indexUrl} \\`,
    `          --extra-index-url ${PyPI} ${requirement}`,
    `        python -c 'import importlib.metadata as m; print(m.version("${name}"))'`,
    'options:',
    '  logging: CLOUD_LOGGING_ONLY',
  ].join('\n');
}
