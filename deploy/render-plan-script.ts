import type { Command, DeployPlan, DeployStep } from './plan-types.js';
import { quoteShellArg } from './quote-shell-arg.js';

/** The plan as a POSIX shell script that does what the executor does: what `--dry-run` prints. */
export function renderPlanScript(plan: DeployPlan): string {
  const lines = [
    '#!/bin/sh',
    `# pkgrelay deploy: project ${plan.project}, region ${plan.region}. Dry run: nothing was changed.`,
    'set -eu',
    '# IAM takes a few seconds to accept a new service account: bindings are retried.',
    'retry() { n=1; until "$@"; do [ "$n" -ge 6 ] && return 1; n=$((n + 1)); sleep 10; done; }',
  ];
  plan.steps.forEach((step, index) => {
    lines.push('', `# ${index + 1}. ${step.title}`, ...renderStep(step));
  });
  return lines.join('\n') + '\n';
}

function renderStep(step: DeployStep): string[] {
  switch (step.kind) {
    case 'run':
      return [(step.retry ? 'retry ' : '') + renderCommand(step.command)];
    case 'capture':
      return [`${step.variable}=$(${(step.retry ? 'retry ' : '') + renderCommand(step.command)})`];
    case 'copy':
      return [['cp', '--', step.from, step.to].map(quoteShellArg).join(' ')];
    case 'say':
      return [`echo ${quoteShellArg(step.text)}`];
    case 'ensure': {
      const describe = `${renderCommand(step.describe)} >/dev/null 2>&1`;
      const create = step.create.map(renderCommand);
      if (!step.update.length)
        return create.length === 1
          ? [`${describe} || ${create[0]}`]
          : [`${describe} || {`, ...indent(create), '}'];
      return [
        `if ${describe}; then`,
        ...indent(step.update.map(renderCommand)),
        'else',
        ...indent(create),
        'fi',
      ];
    }
  }
}

function renderCommand(command: Command): string {
  const line = [command.program, ...command.args].map(quoteShellArg).join(' ');
  // The executor pipes a fresh random secret in; the script does the same without a trailing newline.
  return command.stdin === 'random-secret' ? `printf %s "$(openssl rand -hex 32)" | ${line}` : line;
}

function indent(lines: string[]): string[] {
  return lines.map((line) => `  ${line}`);
}
