const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;
const PLACEHOLDER = /\{\{([A-Z][A-Z0-9_]*)\}\}/g;

/** Quotes one argument for a POSIX shell; `{{NAME}}` placeholders become `${NAME}` expansions inside double quotes. */
export function quoteShellArg(arg: string): string {
  if (PLACEHOLDER.test(arg)) {
    PLACEHOLDER.lastIndex = 0;
    let quoted = '';
    let last = 0;
    for (const match of arg.matchAll(PLACEHOLDER)) {
      quoted += escapeDoubleQuoted(arg.slice(last, match.index)) + '${' + match[1] + '}';
      last = match.index + match[0].length;
    }
    return `"${quoted}${escapeDoubleQuoted(arg.slice(last))}"`;
  }
  if (SAFE.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Replaces `{{NAME}}` placeholders with captured values; an unknown name is a bug in the plan, so it throws. */
export function fillPlaceholders(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const value = values.get(name);
    if (value === undefined) throw new Error(`{{${name}}} is used before a step captured it`);
    return value;
  });
}

function escapeDoubleQuoted(text: string): string {
  return text.replace(/["$`\\]/g, '\\$&');
}
