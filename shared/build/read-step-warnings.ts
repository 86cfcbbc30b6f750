import { z } from 'zod';
import { JobWarning, WarningLimits } from '../status/job-status.js';
import { capText } from '../text/cap-text.js';
import { stripTerminalControls } from '../text/strip-terminal-controls.js';

const cleaned = (max: number) => z.string().transform((text) => capText(stripTerminalControls(text), max));

// As the step writes one; its texts come from tools that colour their output (twine), so they are cleaned here.
const StepWarning = z.object({
  code: JobWarning.shape.code,
  message: cleaned(WarningLimits.message),
  file: cleaned(WarningLimits.file).optional(),
});

/**
 * The warnings in a step's output (`{"warnings": [{code, message, file?}]}`): terminal controls removed,
 * texts capped, at most `WarningLimits.count`; a malformed warning is left out, not the build.
 */
export function readStepWarnings(output: unknown): JobWarning[] {
  const list = (output as { warnings?: unknown } | undefined)?.warnings;
  if (!Array.isArray(list)) return [];
  const warnings: JobWarning[] = [];
  for (const item of list) {
    if (warnings.length === WarningLimits.count) break;
    const parsed = StepWarning.safeParse(item);
    if (!parsed.success) continue;
    const { code, message, file } = parsed.data;
    warnings.push({ code, message, ...(file ? { file } : {}) });
  }
  return warnings;
}
