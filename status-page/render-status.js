// Turns loaded repositories into DOM, updating in place: unchanged rows stay, so focus and open <details> survive a poll.
import {
  formatBytes,
  formatDateTime,
  formatDuration,
  formatPlatform,
  formatRelative,
  plural,
  safeHref,
} from './format-values.js';
import { element } from './create-element.js';
import { renderBadge } from './render-badge.js';
import { installBlock } from './render-install.js';

export const StateLabels = {
  queued: 'Queued',
  building: 'Building',
  published: 'Published',
  skipped: 'Skipped',
  failed: 'Failed',
};
const FinalStates = new Set(['published', 'skipped', 'failed']);

// One shape per state, so states read without colour.
const IconPaths = {
  published: ['M3.5 8.5l3 3 6-7'],
  failed: ['M4.5 4.5l7 7', 'M11.5 4.5l-7 7'],
  skipped: ['M2.5 8h8', 'M7.5 4.5 11 8l-3.5 3.5', 'M13.5 4v8'],
  building: ['M8 2.5a5.5 5.5 0 1 1-5.5 5.5'],
  queued: ['M8 2.5a5.5 5.5 0 1 1 0 11a5.5 5.5 0 1 1 0-11', 'M8 5.5V8l2 1.5'],
  warning: ['M8 2.25 14.25 13.25H1.75z', 'M8 6.5v3', 'M8 11.5v.01'],
};

/** The state a job is in: its own document when loaded (it is written first), else its index entry. */
export function stateOf(item) {
  return item.job?.state ?? item.entry.state;
}

/** The label of a state; own keys only, so a value such as `constructor` never finds Object's. */
export function stateLabel(state) {
  return Object.hasOwn(StateLabels, state) ? StateLabels[state] : String(state);
}

export function isFinalState(state) {
  return FinalStates.has(state);
}

/** How many warnings a job's build reported: its document's list when loaded, else its index entry's count. */
export function warningCount(item) {
  return item.job?.warnings?.length ?? item.entry.warnings ?? 0;
}

/** The small state icon, hidden from assistive technology because the label beside it says the same. */
export function stateIcon(state) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('class', `icon icon--${state}`);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  for (const d of Object.hasOwn(IconPaths, state) ? IconPaths[state] : IconPaths.queued) {
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

export function stateChip(state) {
  return element(
    'span',
    { className: `state state--${state}` },
    stateIcon(state),
    element('span', { text: stateLabel(state) }),
  );
}

function slug(text) {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

function timeElement(iso, { relative = true } = {}) {
  return element('time', {
    datetime: iso,
    title: formatDateTime(iso),
    'data-relative': relative,
    text: relative ? formatRelative(iso) : formatDateTime(iso, { short: true }),
  });
}

// Start and end of the latest attempt, from the history the status document keeps.
function attemptSpan(job) {
  const history = (job?.history ?? []).filter((step) => step.attempt === job.attempt);
  const first = history[0];
  const last = history[history.length - 1];
  return first && last ? { start: first.at, end: last.at } : undefined;
}

function versionCell(item, repository) {
  const { entry, job } = item;
  const version = job?.version ?? entry.version;
  const distribution = job?.distribution ?? entry.distribution;
  return element(
    'th',
    { scope: 'row', role: 'rowheader', 'data-label': 'Version' },
    element('span', { className: 'version', text: version }),
    element('span', { className: 'tag' }, 'tag ', element('code', { text: entry.tag })),
    distribution ? element('span', { className: 'distribution', text: distribution }) : undefined,
    element('span', { className: 'visually-hidden', text: ` of ${repository}` }),
  );
}

function stateCell(item) {
  const state = stateOf(item);
  const attempt = item.job?.attempt ?? item.entry.attempt;
  return element(
    'td',
    { role: 'cell', 'data-label': 'State' },
    stateChip(state),
    warningMarker(warningCount(item)),
    attempt > 1 ? element('span', { className: 'attempt', text: `attempt ${attempt}` }) : undefined,
  );
}

// Beside the state, in words and a shape: the job ended, but something in it wants fixing.
function warningMarker(count) {
  if (count === 0) return undefined;
  return element(
    'span',
    { className: 'warning-marker' },
    stateIcon('warning'),
    element('span', { text: plural(count, 'warning') }),
  );
}

function warningList(warnings, tag) {
  return element(
    'div',
    { className: 'warnings' },
    element('p', {
      className: 'warnings-what',
      text: `${plural(warnings.length, 'warning')} from the build`,
    }),
    element(
      'ul',
      { 'aria-label': `Warnings of ${tag}` },
      ...warnings.map((warning) =>
        element(
          'li',
          { className: 'warning' },
          element('code', { className: 'warning-code', text: warning.code }),
          warning.file
            ? element('span', { className: 'warning-file', text: ` in ${warning.file}` })
            : undefined,
          element('p', { className: 'warning-message', text: warning.message }),
        ),
      ),
    ),
  );
}

function timesCell(item) {
  const { entry, job } = item;
  const state = stateOf(item);
  const span = attemptSpan(job);
  const cell = element(
    'td',
    { role: 'cell', 'data-label': 'Updated' },
    timeElement(job?.updatedAt ?? entry.updatedAt),
  );
  if (span && isFinalState(state)) {
    const took = Date.parse(span.end) - Date.parse(span.start);
    if (took > 0)
      cell.append(element('span', { className: 'duration', text: `took ${formatDuration(took)}` }));
  } else if (span) {
    cell.append(
      element('span', {
        className: 'duration',
        'data-since': span.start,
        text: `running ${formatDuration(Date.now() - Date.parse(span.start))}`,
      }),
    );
  }
  if (job?.source)
    cell.append(element('span', { className: 'started-by', text: describeSource(job.source) }));
  const history = job?.history ?? [];
  if (history.length > 0) {
    cell.append(
      element(
        'details',
        { className: 'history', 'data-key': 'history' },
        element(
          'summary',
          {},
          'History',
          element('span', { className: 'visually-hidden', text: ` of ${entry.tag}` }),
        ),
        element(
          'ol',
          {},
          ...history.map((step) =>
            element(
              'li',
              {},
              element('span', {
                className: `history-state state-text--${step.state}`,
                text: stateLabel(step.state),
              }),
              ' ',
              timeElement(step.at, { relative: false }),
              step.attempt > 1
                ? element('span', { className: 'attempt', text: ` attempt ${step.attempt}` })
                : undefined,
              step.note ? element('span', { className: 'history-note', text: ` — ${step.note}` }) : undefined,
            ),
          ),
        ),
      ),
    );
  }
  return cell;
}

// What started a job: a GitHub event, a person's `pkgrelay trigger` or backfill, or reconcile and its caller.
function describeSource({ kind, event, actor }) {
  const what = kind === 'webhook' ? `GitHub ${event ?? 'webhook'}` : [kind, event].filter(Boolean).join(' ');
  return `started by ${what}${actor ? ` (${actor})` : ''}`;
}

function buildCell(item) {
  const build = item.job?.build;
  const id = build?.id ?? item.entry.buildId;
  const href = build?.logUrl ? safeHref(build.logUrl) : undefined;
  const cell = element('td', { role: 'cell', 'data-label': 'Build' });
  if (href) {
    cell.append(
      element(
        'a',
        { href, className: 'log-link', 'data-focus-key': 'log-link' },
        'Build log',
        element('span', { className: 'visually-hidden', text: ` for ${item.entry.tag}` }),
      ),
    );
  }
  if (id) cell.append(element('code', { className: 'build-id', title: id, text: id.slice(0, 8) }));
  if (!href && !id) cell.append(element('span', { className: 'muted', text: 'not started' }));
  return cell;
}

function artifactList(artifacts) {
  return element(
    'ul',
    { className: 'artifacts', 'aria-label': 'Artifacts' },
    ...artifacts.map((artifact) =>
      element(
        'li',
        { className: 'artifact' },
        element('span', { className: `artifact-kind artifact-kind--${artifact.kind}`, text: artifact.kind }),
        element('span', { className: 'artifact-name', text: artifact.filename }),
        formatPlatform(artifact.tags)
          ? element('span', { className: 'artifact-platform', text: formatPlatform(artifact.tags) })
          : undefined,
        element('span', { className: 'artifact-size', text: formatBytes(artifact.size) }),
        artifact.uploaded === false
          ? element('span', { className: 'artifact-note', text: 'already in the registry' })
          : undefined,
        element(
          'span',
          { className: 'sha' },
          element('abbr', { title: 'SHA-256 digest', text: 'sha256' }),
          ' ',
          element('code', { className: 'sha-value', text: artifact.sha256 }),
        ),
      ),
    ),
  );
}

function failureBlock(error, tag) {
  const block = element(
    'div',
    { className: 'failure' },
    element(
      'p',
      { className: 'failure-what' },
      element('code', { className: 'failure-code', text: error.code }),
      error.step
        ? element('span', { className: 'failure-step' }, ' in step ', element('code', { text: error.step }))
        : undefined,
    ),
    element('p', { className: 'failure-message', text: error.message }),
  );
  if (error.logTail) {
    block.append(
      element(
        'details',
        { className: 'log-tail', 'data-key': 'log-tail' },
        element(
          'summary',
          {},
          'Log tail',
          element('span', { className: 'visually-hidden', text: ` of ${tag}` }),
        ),
        element(
          'pre',
          { tabindex: '0', role: 'region', 'aria-label': `Last lines of the build log of ${tag}` },
          element('code', { text: error.logTail }),
        ),
      ),
    );
  }
  return block;
}

// A tag that moved or vanished upstream after its build: both commits, and what pkgrelay does about it.
function describeDrift(drift) {
  const now = drift.kind === 'moved' ? `now points at ${drift.upstreamCommit}` : 'was deleted upstream';
  return `Upstream drift: the tag ${now}; this version was built from ${drift.recordedCommit} and stays as published. Tag a new version to publish the new commit.`;
}

function outcomeCell(item) {
  const { job } = item;
  const state = stateOf(item);
  const cell = element('td', { role: 'cell', 'data-label': 'Outcome' });
  if (job?.error && state === 'failed') cell.append(failureBlock(job.error, item.entry.tag));
  if (job?.reason) cell.append(element('p', { className: 'reason', text: job.reason }));
  const drift = job?.drift ?? item.entry.drift;
  if (drift) cell.append(element('p', { className: 'drift', role: 'note', text: describeDrift(drift) }));
  if (job?.warnings?.length) cell.append(warningList(job.warnings, item.entry.tag));
  if (job?.artifacts?.length) cell.append(artifactList(job.artifacts));
  if (state === 'published' || state === 'skipped') cell.append(...installBlock(item));
  if (item.unreadable) {
    cell.append(
      element('p', {
        className: 'problem-note',
        text: 'Its status document is unreadable; pkgrelay leaves it as it is. Shown from the index.',
      }),
    );
  }
  if (!cell.hasChildNodes()) {
    const waiting = {
      queued: 'Waiting for a build to start…',
      building: 'Building the sdist and wheel…',
    }[state];
    cell.append(
      element('span', { className: 'muted', text: waiting ?? (job ? 'No artifacts.' : 'Loading…') }),
    );
  }
  return cell;
}

function buildRow(item, repository) {
  const state = stateOf(item);
  return element(
    'tr',
    {
      className: `job job--${state}`,
      role: 'row',
      'data-key': item.entry.tag,
      'data-state': state,
      'data-warnings': warningCount(item) || undefined,
      'data-drift': (item.job?.drift ?? item.entry.drift)?.kind,
    },
    versionCell(item, repository),
    stateCell(item),
    timesCell(item),
    buildCell(item),
    outcomeCell(item),
  );
}

function buildSection(repo) {
  const id = `repo-${slug(repo.repository)}`;
  const heading = element('h2', { id: `${id}-heading`, className: 'repository-name' }, repo.repository);
  const table = element(
    'table',
    { className: 'jobs', role: 'table' },
    element('caption', { text: `Versions of ${repo.repository}, newest first` }),
    element(
      'thead',
      { role: 'rowgroup' },
      element(
        'tr',
        { role: 'row' },
        ...['Version', 'State', 'Updated', 'Build', 'Outcome'].map((name) =>
          element('th', { scope: 'col', role: 'columnheader', text: name }),
        ),
      ),
    ),
    element('tbody', { role: 'rowgroup' }),
  );
  return element(
    'section',
    { className: 'repository', id, 'aria-labelledby': `${id}-heading`, 'data-key': repo.indexPath },
    element(
      'div',
      { className: 'repository-head' },
      heading,
      element('div', { className: 'badge-slot' }),
      element('p', { className: 'repository-summary' }),
    ),
    table,
  );
}

function updateSection(section, repo) {
  const badgeSlot = section.querySelector('.badge-slot');
  const badgeSignature = JSON.stringify(repo.badge ?? null);
  if (badgeSlot.dataset.signature !== badgeSignature) {
    badgeSlot.dataset.signature = badgeSignature;
    badgeSlot.replaceChildren(...(repo.badge ? [renderBadge(repo.badge)] : []));
  }
  const counts = countStates(repo.jobs);
  const parts = [plural(repo.jobs.length, 'version')];
  for (const state of ['building', 'queued', 'failed'])
    if (counts[state]) parts.push(`${counts[state]} ${state}`);
  const warned = repo.jobs.filter((item) => warningCount(item) > 0).length;
  if (warned) parts.push(`${warned} with warnings`);
  // An index the page cannot read: say so where its versions would be, and draw the rest of the page.
  if (repo.problem) parts.splice(0, parts.length, `Unreadable: ${repo.problem}.`);
  section.querySelector('.repository-summary').textContent = parts.join(' · ');
  section.classList.toggle('repository--unreadable', Boolean(repo.problem));

  const tbody = section.querySelector('tbody');
  const existing = new Map([...tbody.children].map((row) => [row.dataset.key, row]));
  let previous = null;
  for (const item of repo.jobs) {
    const signature = JSON.stringify([item.entry, item.job, item.provenance, item.indexUrl]);
    let row = existing.get(item.entry.tag);
    existing.delete(item.entry.tag);
    if (!row || row.dataset.signature !== signature) {
      const fresh = buildRow(item, repo.repository);
      fresh.dataset.signature = signature;
      if (row) {
        carryOver(row, fresh);
        const focused = row.contains(document.activeElement) ? document.activeElement : undefined;
        row.replaceWith(fresh);
        if (focused) restoreFocus(focused, fresh);
      }
      row = fresh;
    }
    const expected = previous ? previous.nextElementSibling : tbody.firstElementChild;
    if (expected !== row) tbody.insertBefore(row, expected);
    previous = row;
  }
  for (const stale of existing.values()) stale.remove();
}

// Open <details> stay open when their row is rebuilt.
function carryOver(from, to) {
  for (const details of from.querySelectorAll('details[data-key]')) {
    const twin = to.querySelector(`details[data-key="${details.dataset.key}"]`);
    if (twin && details.open) twin.open = true;
  }
}

// Focus inside a rebuilt row moves to the same control in the new row, not to <body>.
function restoreFocus(focused, to) {
  const key = focused.dataset?.focusKey ?? focused.closest('details[data-key]')?.dataset.key;
  const target =
    (key && to.querySelector(`[data-focus-key="${key}"], details[data-key="${key}"] > summary`)) ||
    to.querySelector('a, summary');
  target?.focus({ preventScroll: true });
}

export function countStates(jobs) {
  // No prototype: a state is only ever a key of its own.
  const counts = Object.create(null);
  for (const item of jobs) counts[stateOf(item)] = (counts[stateOf(item)] ?? 0) + 1;
  return counts;
}

/** Renders every repository into `container`, reusing what is unchanged. */
export function renderRepositories(container, repositories) {
  const ordered = [...repositories].sort((a, b) =>
    a.repository.toLowerCase().localeCompare(b.repository.toLowerCase()),
  );
  const existing = new Map([...container.children].map((section) => [section.dataset.key, section]));
  let previous = null;
  for (const repo of ordered) {
    let section = existing.get(repo.indexPath);
    existing.delete(repo.indexPath);
    section ??= buildSection(repo);
    updateSection(section, repo);
    const expected = previous ? previous.nextElementSibling : container.firstElementChild;
    if (expected !== section) container.insertBefore(section, expected);
    previous = section;
  }
  for (const stale of existing.values()) stale.remove();
  if (ordered.length === 0) {
    container.replaceChildren(
      element(
        'p',
        { className: 'empty' },
        'No packages yet. When pkgrelay builds its first tag, the repository shows up here.',
      ),
    );
  } else container.querySelector(':scope > .empty')?.remove();
  refreshTimes(container);
}

/** The repository list in the navigation, each with its worst state. */
export function renderNavigation(nav, repositories) {
  const ordered = [...repositories].sort((a, b) =>
    a.repository.toLowerCase().localeCompare(b.repository.toLowerCase()),
  );
  nav.hidden = ordered.length < 2;
  nav.querySelector('ul').replaceChildren(
    ...ordered.map((repo) => {
      const counts = countStates(repo.jobs);
      const state =
        ['failed', 'building', 'queued', 'published', 'skipped'].find((s) => counts[s]) ?? 'queued';
      return element(
        'li',
        {},
        element(
          'a',
          { href: `#repo-${slug(repo.repository)}` },
          stateIcon(state),
          element('span', { text: repo.repository }),
          element('span', { className: 'visually-hidden', text: ` (${stateLabel(state).toLowerCase()})` }),
        ),
      );
    }),
  );
}

/** Totals by state for the overview. */
export function renderTotals(list, repositories) {
  const counts = countStates(repositories.flatMap((repo) => repo.jobs));
  list.replaceChildren(
    ...['published', 'building', 'queued', 'failed', 'skipped']
      .filter((state) => counts[state])
      .map((state) =>
        element(
          'li',
          { className: `total state--${state}` },
          stateIcon(state),
          element('strong', { text: String(counts[state]) }),
          ` ${state}`,
        ),
      ),
  );
  return counts;
}

/** Rewrites "3 min ago" and "running 20 s" in place, without touching anything focusable. */
export function refreshTimes(root) {
  const now = Date.now();
  for (const time of root.querySelectorAll('time[data-relative]')) {
    const text = formatRelative(time.dateTime, now);
    if (time.textContent !== text) time.textContent = text;
  }
  for (const span of root.querySelectorAll('[data-since]')) {
    span.textContent = `running ${formatDuration(now - Date.parse(span.dataset.since))}`;
  }
}
