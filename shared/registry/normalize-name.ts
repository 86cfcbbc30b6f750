/** PEP 503 normalized project name: lowercase, with every run of `-`, `_` and `.` turned into one `-`. */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

const VALID_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

/** Whether `name` is a valid project name as PEP 508 defines it. */
export function isValidName(name: string): boolean {
  return VALID_NAME.test(name);
}
