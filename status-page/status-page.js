// The status page: load the public JSON, render it, and poll while any job is still moving.
import { formatClock, plural } from './format-values.js';
import { loadRepositories, readPageConfig } from './load-status.js';
import {
  isFinalState,
  refreshTimes,
  renderNavigation,
  renderRepositories,
  renderTotals,
  stateLabel,
  stateOf,
  warningCount,
} from './render-status.js';

// Fast while something changes, slower while it does not; `?poll=<ms>` sets the first step (demos, tests).
const requestedPoll = Number(new URLSearchParams(location.search).get('poll'));
const FirstDelay = requestedPoll >= 250 ? requestedPoll : 2000;
const MaxDelay = 30_000;
const ErrorMaxDelay = 60_000;

const config = readPageConfig();
const cache = new Map();
const view = {
  heading: document.getElementById('overview-heading'),
  totals: document.getElementById('totals'),
  note: document.getElementById('refresh-note'),
  button: document.getElementById('check-now'),
  problem: document.getElementById('problem'),
  nav: document.getElementById('repository-nav'),
  repositories: document.getElementById('repositories'),
  announcer: document.getElementById('announcer'),
};
let known; // job key → state, from the previous load; undefined until the first one
let delay = FirstDelay;
let timer;
let loading = false;

document.getElementById('bucket-name').textContent = config.bucket;
view.button.addEventListener('click', () => check({ manual: true }));
// A hidden tab does not poll; coming back checks at once.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && timer !== undefined) check();
});
// Relative times ("3 min ago") keep up between checks without any request.
setInterval(() => refreshTimes(view.repositories), 15_000);
check();

async function check({ manual = false } = {}) {
  if (loading) return;
  loading = true;
  clearTimeout(timer);
  timer = undefined;
  view.button.disabled = true;
  document.body.setAttribute('aria-busy', 'true');
  try {
    const repositories = await loadRepositories(config, cache);
    view.problem.hidden = true;
    const changed = render(repositories);
    const moving = repositories.flatMap((repo) => repo.jobs).filter((item) => !isFinalState(stateOf(item)));
    if (moving.length === 0) {
      delay = FirstDelay;
      view.note.textContent = `Checked at ${formatClock(new Date())}. Every job has finished, so the page stopped checking.`;
    } else {
      delay = changed || manual ? FirstDelay : Math.min(delay * 1.5, MaxDelay);
      schedule(`${plural(moving.length, 'job')} still running.`);
    }
  } catch (error) {
    delay = Math.min(Math.max(delay, FirstDelay) * 2, ErrorMaxDelay);
    view.problem.hidden = false;
    view.problem.textContent = `Could not read the status: ${error instanceof Error ? error.message : String(error)}.`;
    schedule('Trying again.');
  } finally {
    loading = false;
    view.button.disabled = false;
    document.body.removeAttribute('aria-busy');
  }
}

function schedule(what) {
  const seconds = Math.round(delay / 1000);
  view.note.textContent = `Checked at ${formatClock(new Date())}. ${what} Next check in ${seconds} s.`;
  timer = setTimeout(() => {
    if (document.visibilityState === 'hidden') {
      timer = -1; // resumed by visibilitychange
      return;
    }
    check();
  }, delay);
}

/** Draws the repositories; returns whether any job's state changed, and announces those that did. */
function render(repositories) {
  renderRepositories(view.repositories, repositories);
  renderNavigation(view.nav, repositories);
  const counts = renderTotals(view.totals, repositories);
  view.heading.textContent = headline(counts, repositories.length);

  const states = new Map();
  const messages = [];
  for (const repo of repositories) {
    for (const item of repo.jobs) {
      const key = `${repo.indexPath}#${item.entry.tag}`;
      const state = stateOf(item);
      states.set(key, state);
      const before = known?.get(key);
      if (known && before !== state) {
        const version = item.job?.version ?? item.entry.version;
        const label = stateLabel(state).toLowerCase();
        const warnings = warningCount(item);
        messages.push(
          `${repo.repository} ${version}: ${before ? `${before} → ` : 'new, '}${label}.${warnings ? ` ${plural(warnings, 'warning')}.` : ''}`,
        );
      }
    }
  }
  const changed = known === undefined || messages.length > 0;
  known = states;
  if (messages.length > 0) {
    // Appended paragraphs are read once each; keep only the last few.
    for (const message of messages)
      view.announcer.append(Object.assign(document.createElement('p'), { textContent: message }));
    while (view.announcer.childElementCount > 5) view.announcer.firstElementChild.remove();
  }
  return changed;
}

function headline(counts, repositoryCount) {
  if (repositoryCount === 0) return 'No packages yet';
  const running = (counts.building ?? 0) + (counts.queued ?? 0);
  if (running > 0) return `${plural(running, 'build')} running`;
  if (counts.failed) return `Every build finished · ${counts.failed} failed`;
  return `Every build finished`;
}
