import type { ResourceKind, RoleBinding } from './declare-role-bindings.js';
import type { Command } from './plan-types.js';

/** The gcloud command group that owns each kind of resource's IAM policy. */
export const BINDING_GROUPS: Record<ResourceKind, readonly string[]> = {
  topic: ['pubsub', 'topics'],
  subscription: ['pubsub', 'subscriptions'],
  secret: ['secrets'],
  bucket: ['storage', 'buckets'],
  repository: ['artifacts', 'repositories'],
  serviceAccount: ['iam', 'service-accounts'],
  runService: ['run', 'services'],
  project: ['projects'],
};

/** The `add-iam-policy-binding` command that grants one binding; adding a binding that exists changes nothing. */
export function createBindingCommand(
  binding: RoleBinding,
  { project, region }: { project: string; region: string },
): Command {
  const { kind, name } = binding.resource;
  const target = kind === 'bucket' ? `gs://${name}` : name;
  const location =
    kind === 'repository' ? [`--location=${region}`] : kind === 'runService' ? [`--region=${region}`] : [];
  // Without --condition=None gcloud prompts when the project policy already holds conditional bindings.
  const condition = binding.condition
    ? [`--condition=expression=${binding.condition.expression},title=${binding.condition.title}`]
    : kind === 'project'
      ? ['--condition=None']
      : [];
  return {
    program: 'gcloud',
    args: [
      ...BINDING_GROUPS[kind],
      'add-iam-policy-binding',
      target,
      ...location,
      `--member=${binding.member}`,
      `--role=${binding.role}`,
      ...condition,
      `--project=${project}`,
      '--quiet',
    ],
  };
}
