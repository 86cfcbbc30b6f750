import type { Command, DeployPlan, DeployStep, RetryPolicy } from './plan-types.js';
import { quoteShellArg } from './quote-shell-arg.js';

/** The plan as a POSIX shell script that does what the executor does: what `--dry-run` prints. */
export function renderPlanScript(plan: DeployPlan): string {
  const lines = [
    '#!/bin/sh',
    `# pkgrelay deploy: project ${plan.project}, region ${plan.region}. Dry run: nothing was changed.`,
    'set -eu',
    "# Steps that can fail while rights propagate (new service accounts, Eventarc's agent) are retried, bounded;",
    '# the script retries any failure of those steps, the executor only the propagation errors.',
    'retry() { a=$1; d=$2; shift 2; n=1; until "$@"; do [ "$n" -ge "$a" ] && return 1; ' +
      'echo "attempt $n of $a failed; again in ${d}s" >&2; n=$((n + 1)); sleep "$d"; done; }',
  ];
  plan.steps.forEach((step, index) => {
    lines.push('', `# ${index + 1}. ${step.title}`, ...renderStep(step));
  });
  return lines.join('\n') + '\n';
}

function renderStep(step: DeployStep): string[] {
  switch (step.kind) {
    case 'run':
      return [retryPrefix(step.retry) + renderCommand(step.command)];
    case 'capture': {
      const line = `${step.variable}=$(${retryPrefix(step.retry) + renderCommand(step.command)})`;
      if (step.as !== 'principal') return [line];
      const v = step.variable;
      return [
        line,
        `case "$${v}" in *.gserviceaccount.com) ${v}="serviceAccount:$${v}" ;; *) ${v}="user:$${v}" ;; esac`,
      ];
    }
    case 'copy':
      return [['cp', '--', step.from, step.to].map(quoteShellArg).join(' ')];
    case 'say':
      return [`echo ${quoteShellArg(step.text)}`];
    case 'ensure': {
      const describe = `${renderCommand(step.describe)} >/dev/null 2>&1`;
      const create = step.create.map((command) => retryPrefix(step.retry) + renderCommand(command));
      if (!step.update.length)
        return create.length === 1
          ? [`${describe} || ${create[0]}`]
          : [`${describe} || {`, ...indent(create), '}'];
      return [
        `if ${describe}; then`,
        ...indent(step.update.map((command) => retryPrefix(step.retry) + renderCommand(command))),
        'else',
        ...indent(create),
        'fi',
      ];
    }
  }
}

function retryPrefix(retry: RetryPolicy | undefined): string {
  return retry ? `retry ${retry.attempts} ${retry.delaySeconds} ` : '';
}

function renderCommand(command: Command): string {
  const line = [command.program, ...command.args].map(quoteShellArg).join(' ');
  // The executor pipes a fresh random secret in; the script does the same without a trailing newline.
  return command.stdin === 'random-secret' ? `printf %s "$(openssl rand -hex 32)" | ${line}` : line;
}

function indent(lines: string[]): string[] {
  return lines.map((line) => `  ${line}`);
}
