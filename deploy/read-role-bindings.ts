import { BINDING_GROUPS } from './create-binding-command.js';
import { ResourceKind } from './declare-role-bindings.js';
import type { Command, DeployPlan } from './plan-types.js';

export interface ReadBinding {
  resource: { kind: ResourceKind; name: string };
  member: string;
  role: string;
}

/** Reads back, from the argv of a plan's commands, every role it grants: what a reviewer (or a test) checks. */
export function readRoleBindings(plan: DeployPlan): ReadBinding[] {
  return commandsOf(plan).flatMap((command) => {
    const binding = readBinding(command);
    return binding ? [binding] : [];
  });
}

/** The binding one command grants, or undefined when it grants none. */
export function readBinding({ args }: Command): ReadBinding | undefined {
  const verb = args.indexOf('add-iam-policy-binding');
  if (verb < 0) return undefined;
  const group = args.slice(0, verb).join(' ');
  const kind = ResourceKind.find((candidate) => BINDING_GROUPS[candidate].join(' ') === group);
  const target = args[verb + 1];
  const member = flag(args, '--member');
  const role = flag(args, '--role');
  if (!kind || !target || !member || !role) throw new Error(`unreadable binding command: ${args.join(' ')}`);
  return { resource: { kind, name: target.replace(/^gs:\/\//, '') }, member, role };
}

/** Every command of a plan, in order, whichever branch of an ensure step would run. */
export function commandsOf(plan: DeployPlan): Command[] {
  return plan.steps.flatMap((step) => {
    switch (step.kind) {
      case 'run':
      case 'capture':
        return [step.command];
      case 'ensure':
        return [step.describe, ...step.create, ...step.update];
      default:
        return [];
    }
  });
}

function flag(args: readonly string[], name: string): string | undefined {
  const inline = args.find((arg) => arg.startsWith(`${name}=`));
  if (inline) return inline.slice(name.length + 1);
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}
