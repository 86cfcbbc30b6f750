/** Built-in keys Cloud Build always knows; trigger-only ones resolve to "" for API-created builds. */
export const BuiltInSubstitutions = [
  'PROJECT_ID',
  'BUILD_ID',
  'PROJECT_NUMBER',
  'LOCATION',
  'TRIGGER_NAME',
  'COMMIT_SHA',
  'REVISION_ID',
  'SHORT_SHA',
  'REPO_NAME',
  'REPO_FULL_NAME',
  'BRANCH_NAME',
  'TAG_NAME',
  'REF_NAME',
  'TRIGGER_BUILD_CONFIG_PATH',
  'SERVICE_ACCOUNT_EMAIL',
  'SERVICE_ACCOUNT',
] as const;

/** Built-ins a caller may set in `substitutions` (the trigger-provided ones). */
export const OverridableBuiltIns = [
  'REPO_NAME',
  'BRANCH_NAME',
  'TAG_NAME',
  'REVISION_ID',
  'COMMIT_SHA',
  'SHORT_SHA',
];

export const UserKeyPattern = /^_[A-Z0-9_]+$/;

interface TemplateParameter {
  start: number;
  end: number;
  key?: string;
}

const keyAt = /^\$(?:\{([A-Z_][A-Z0-9_]*)\}|([A-Z_][A-Z0-9_]*))/;

/** Finds `$KEY`, `${KEY}` and `$$` (no key) in a string, left to right, as Cloud Build's parser does. */
export function findTemplateParameters(input: string): TemplateParameter[] {
  const found: TemplateParameter[] = [];
  let i = 0;
  while (i < input.length) {
    if (input[i] === '$' && input[i + 1] === '$') {
      found.push({ start: i, end: i + 2 });
      i += 2;
      continue;
    }
    if (input[i] === '$') {
      const match = keyAt.exec(input.slice(i));
      if (match) {
        found.push({ start: i, end: i + match[0].length, key: match[1] ?? match[2] ?? '' });
        i += match[0].length;
        continue;
      }
    }
    i += 1;
  }
  return found;
}

/** Replaces every parameter with its value ("" when unknown) and `$$` with `$`. */
export function substitute(input: string, values: Readonly<Record<string, string>>): string {
  let out = '';
  let last = 0;
  for (const parameter of findTemplateParameters(input)) {
    out += input.slice(last, parameter.start);
    out += parameter.key === undefined ? '$' : (values[parameter.key] ?? '');
    last = parameter.end;
  }
  return out + input.slice(last);
}

/**
 * Checks a build's template against its substitutions with Cloud Build's rules and error texts:
 * returns the error message, or undefined when the build may run.
 */
export function checkSubstitutions(
  templates: readonly string[],
  substitutions: Readonly<Record<string, string>>,
  allowLoose: boolean,
): string | undefined {
  for (const key of Object.keys(substitutions)) {
    if (!UserKeyPattern.test(key) && !OverridableBuiltIns.includes(key)) {
      return `invalid build: invalid .substitutions field: substitution key "${key}" does not respect format "^_[A-Z0-9_]+$" and is not an overridable built-in substitutions`;
    }
  }
  const used = new Set<string>();
  const warnings: string[] = [];
  for (const template of templates) {
    for (const { key } of findTemplateParameters(template)) {
      if (key === undefined) continue;
      used.add(key);
      if (key in substitutions) continue;
      if (UserKeyPattern.test(key)) {
        warnings.push(`key in the template "${key}" is not matched in the substitution data`);
      } else if (!(BuiltInSubstitutions as readonly string[]).includes(key)) {
        return `invalid value for 'build.substitutions': key in the template "${key}" is not a valid built-in substitution`;
      }
    }
  }
  for (const key of Object.keys(substitutions)) {
    if (!used.has(key)) warnings.push(`key "${key}" in the substitution data is not matched in the template`);
  }
  if (warnings.length === 0 || allowLoose) return undefined;
  return `generic::invalid_argument: ${warnings.join(';')}`;
}
