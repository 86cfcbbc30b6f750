// How to install a published version, with a copy button per snippet, and the commit it was built from.
import { element } from './create-element.js';
import { formatDuration, safeHref } from './format-values.js';
import { installSnippets, projectNameOf } from './install-snippets.js';

// The clipboard API needs a secure context (https or localhost); elsewhere the selected text is copied.
async function copyText(text, source) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return document.execCommand('copy');
  }
}

function copyButton(text, code, label) {
  const button = element('button', {
    type: 'button',
    className: 'button copy-button',
    'data-focus-key': `copy-${label}`,
  });
  button.append('Copy', element('span', { className: 'visually-hidden', text: ` the ${label}` }));
  const status = element('span', { className: 'copy-status', role: 'status' });
  button.addEventListener('click', async () => {
    status.textContent = (await copyText(text, code)) ? 'Copied' : 'Select the text and copy it';
    setTimeout(() => (status.textContent = ''), 4000);
  });
  return [button, status];
}

// GitHub shows a commit at <repository>/commit/<sha>; another upstream gets the commit as text.
function commitLink(provenance) {
  const { commit, source } = provenance;
  const github = /^https:\/\/github\.com\/([^/]+\/[^/]+?)(?:\.git)?$/.exec(source ?? '');
  const code = element('code', { className: 'commit', title: commit, text: commit.slice(0, 12) });
  const href = github ? safeHref(`https://github.com/${github[1]}/commit/${commit}`) : undefined;
  return href ? element('a', { href, className: 'commit-link' }, code) : code;
}

/** The provenance line (commit, build time) and the install snippets of a published version. */
export function installBlock(item) {
  const { job, provenance, indexUrl } = item;
  const parts = [];
  if (provenance?.commit) {
    const took = Date.parse(provenance.finishedOn) - Date.parse(provenance.startedOn);
    parts.push(
      element(
        'p',
        { className: 'provenance' },
        'Built from commit ',
        commitLink(provenance),
        took > 0 ? ` · the build took ${formatDuration(took)}` : undefined,
      ),
    );
  }
  const name = job?.distribution ?? projectNameOf(job?.artifacts?.[0]?.filename ?? '');
  if (!indexUrl || !name || !job) return parts;
  const snippets = installSnippets({ indexUrl, name, version: job.version });
  parts.push(
    element(
      'details',
      { className: 'install', 'data-key': 'install' },
      element(
        'summary',
        {},
        'How to install',
        element('span', { className: 'visually-hidden', text: ` ${name} ${job.version}` }),
      ),
      ...snippets.map(({ id, label, text }) => {
        const code = element('code', { text });
        return element(
          'div',
          { className: 'snippet', 'data-snippet': id },
          element('p', { className: 'snippet-label', text: label }, ...copyButton(text, code, label)),
          element(
            'pre',
            { tabindex: '0', role: 'region', 'aria-label': `${label} for ${name} ${job.version}` },
            code,
          ),
        );
      }),
    ),
  );
  return parts;
}
