import { readStepFiles, type StepFiles } from './read-step-files.js';

const IMPORT =
  /^\s*(?:from\s+(pkgrelay_steps(?:\.\w+)?)\s+import\s+([\w, ]+)|import\s+(pkgrelay_steps(?:\.\w+)?))/gm;

/**
 * The `python3 -c` program of one step: its module and the modules it imports, carried as data in front
 * of `step_loader.py`, which imports them from there. Only what the step imports travels.
 */
export function composeStepProgram(main: string, files: StepFiles = readStepFiles()): string {
  const sources: Record<string, string> = {};
  const visit = (name: string): void => {
    if (name in sources) return;
    const source = files[moduleFile(name)];
    if (source === undefined) throw new Error(`the build steps have no module ${name}`);
    sources[name] = source;
    if (name.includes('.')) visit('pkgrelay_steps');
    for (const match of source.matchAll(IMPORT)) {
      const from = match[1];
      if (from) {
        visit(from);
        // `from pkgrelay_steps import module` may name modules, not only attributes of the package.
        for (const item of from === 'pkgrelay_steps' ? (match[2] ?? '').split(',') : [])
          if (files[moduleFile(`pkgrelay_steps.${item.trim()}`)] !== undefined)
            visit(`pkgrelay_steps.${item.trim()}`);
      } else if (match[3]) visit(match[3]);
    }
  };
  visit(main);
  const data = Object.fromEntries(
    Object.entries(files)
      .filter(([path]) => path.endsWith('.txt'))
      .map(([path, text]) => [path.slice('pkgrelay_steps/'.length), text]),
  );
  const loader = files['step_loader.py'];
  if (loader === undefined) throw new Error('the build steps have no step_loader.py');
  // A JSON string is a valid Python string literal, and a JSON object of them a valid dict display.
  return [
    `SOURCES = ${JSON.stringify(sources)}`,
    `DATA = ${JSON.stringify(data)}`,
    `MAIN = ${JSON.stringify(main)}`,
    loader,
  ].join('\n');
}

function moduleFile(name: string): string {
  return name === 'pkgrelay_steps' ? 'pkgrelay_steps/__init__.py' : `${name.replace('.', '/')}.py`;
}
