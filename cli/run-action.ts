import { exitCodeOf } from './exit-codes.js';
import { progress } from './print-progress.js';

/** Runs a command's action and turns a thrown error into its message on stderr and the matching exit code. */
export function runAction<A extends unknown[]>(
  action: (...args: A) => Promise<number | void>,
): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      const code = await action(...args);
      if (code) process.exitCode = code;
    } catch (error) {
      progress(`✗ ${(error as Error).message}`);
      process.exitCode = exitCodeOf(error);
    }
  };
}
