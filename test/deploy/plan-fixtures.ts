import { FunctionTarget } from '../../deploy/function-deployments.js';
import type { DeployOptions } from '../../deploy/name-resources.js';
import type { Command, DeployPlan } from '../../deploy/plan-types.js';

/** The project and region every plan test deploys to. */
export const P = 'acme-relay';
export const R = 'europe-west1';

/** A whole deployment's options, as the CLI fills them, with what a test changes. */
export function deployOptions(overrides: Partial<DeployOptions> = {}): DeployOptions {
  return {
    project: P,
    region: R,
    bundleDir: '/srv/pkgrelay/lib/bundle',
    configPath: '/srv/pkgrelay/repositories.json',
    privateRepositories: [{ repository: 'acme/secret-sauce', tokenSecret: 'acme-token' }],
    notificationSecrets: ['ops-slack-url'],
    publicStatus: true,
    schedule: '*/30 * * * *',
    maxDeliveryAttempts: 5,
    functions: FunctionTarget,
    minInstances: 0,
    invokerIamCheck: true,
    pythonVersions: ['3.12'],
    builderDigest: 'abc123def456',
    ...overrides,
  };
}

/** The value of a `--name=value` flag of a command. */
export const flagValue = (command: Command, name: string): string | undefined =>
  command.args.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1);

/** The index of the first step with a command that matches, whichever branch of an ensure step it sits in. */
export const indexOfCommand = (plan: DeployPlan, match: (args: string[]) => boolean): number =>
  plan.steps.findIndex((step) =>
    [
      ...('command' in step ? [step.command] : []),
      ...(step.kind === 'ensure' ? [step.describe, ...step.create, ...step.update] : []),
    ].some((command) => match(command.args)),
  );
