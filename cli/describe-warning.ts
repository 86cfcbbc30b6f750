import type { JobWarning } from '../shared/status/job-status.js';

/** A warning for people, "CODE (file): message", the message's further lines indented by `indent`. */
export function describeWarning(warning: JobWarning, indent: string): string {
  const message = warning.message.split('\n').join(`\n${indent}`);
  return `${warning.code}${warning.file ? ` (${warning.file})` : ''}: ${message}`;
}
