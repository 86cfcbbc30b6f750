import { describe, expect, it } from 'vitest';
import { explainDeployFailure } from '../../deploy/explain-deploy-failure.js';
import { IAM_RETRY, TRIGGER_RETRY } from '../../deploy/propagation-retries.js';
import { DeployStepError, runDeployPlan } from '../../deploy/run-deploy-plan.js';

// gcloud's own words, as reported in public issue threads (the API message is the provider's; gcloud prefixes it).
const Refusals = {
  // gcloud.projects.add-iam-policy-binding, from MicrosoftDocs/azure-docs#117449.
  domainRestrictedProject:
    'ERROR: Policy modification failed. For a binding with condition, run "gcloud alpha iam policies lint-condition" to identify issues in condition.\n' +
    'ERROR: (gcloud.projects.add-iam-policy-binding) FAILED_PRECONDITION: One or more users named in the policy do not belong to a permitted customer.\n' +
    "- '@type': type.googleapis.com/google.rpc.PreconditionFailure\n" +
    '  violations:\n' +
    '  - description: User mdc-agentless-scanning@guardians-prod-diskscanning.iam.gserviceaccount.com\n' +
    '      is not in permitted organization.\n' +
    '    subject: orgpolicy:projects/project-id?configvalue=mdc-agentless-scanning@guardians-prod-diskscanning.iam.gserviceaccount.com\n' +
    '    type: constraints/iam.allowedPolicyMemberDomains\n',
  // Cloud Run's answer to an allUsers invoker binding (terraform-provider-google, LayerZero-Labs/gasolina-gcp#15).
  domainRestrictedRun:
    'ERROR: (gcloud.run.services.add-iam-policy-binding) FAILED_PRECONDITION: One or more users named in the policy do not belong to a permitted customer,  perhaps due to an organization policy.\n',
  // gcloud functions deploy --allow-unauthenticated under the same policy (quoted from Stack Overflow).
  domainRestrictedDeploy:
    'ERROR: (gcloud.functions.deploy) ResponseError: status=[400], code=[Ok], message=[One or more users named in the policy do not belong to a permitted customer, perhaps due to an organization policy.]\n',
  // Cloud Storage's 412 with public access prevention enforced (GoogleCloudPlatform/gsutil#1620).
  publicAccessPrevented:
    'ERROR: (gcloud.storage.buckets.add-iam-policy-binding) HTTPError 412: The member bindings allUsers and allAuthenticatedUsers are not allowed since public access prevention is enforced.\n',
  // The first Eventarc trigger of a project (terraform-google-modules/terraform-docs-samples#486).
  eventarcAgent:
    'ERROR: (gcloud.functions.deploy) ResponseError: status=[400], code=[Ok], message=[Validation failed for trigger projects/acme/locations/europe-west1/triggers/pkgrelay-worker-420938: ' +
    'Invalid resource state for "": Permission denied while using the Eventarc Service Agent. If you recently started to use Eventarc, it may take a few minutes before all necessary ' +
    'permissions are propagated to the Service Agent. Otherwise, verify that it has Eventarc Service Agent role.]\n',
  freshAccount:
    'ERROR: (gcloud.projects.add-iam-policy-binding) INVALID_ARGUMENT: Service account pkgrelay-builds@acme.iam.gserviceaccount.com does not exist.\n',
} as const;

const webhookBinding = [
  'run',
  'services',
  'add-iam-policy-binding',
  'pkgrelay-webhook',
  '--region=europe-west1',
  '--member=allUsers',
  '--role=roles/run.invoker',
  '--project=acme',
  '--quiet',
];
const bucketBinding = [
  'storage',
  'buckets',
  'add-iam-policy-binding',
  'gs://acme-pkgrelay-status',
  '--member=allUsers',
  '--role=roles/storage.objectViewer',
  '--project=acme',
  '--quiet',
];

describe('explainDeployFailure', () => {
  it.each([
    ['the webhook invoker binding', Refusals.domainRestrictedRun, webhookBinding],
    [
      'the webhook deploy with --allow-unauthenticated',
      Refusals.domainRestrictedDeploy,
      [
        'functions',
        'deploy',
        'pkgrelay-webhook',
        '--gen2',
        '--region=europe-west1',
        '--allow-unauthenticated',
        '--project=acme',
      ],
    ],
  ])(
    'turns domain-restricted sharing on %s into the invoker check off for that service',
    (_, stderr, args) => {
      const explained = explainDeployFailure(stderr, args);
      expect(explained?.cause).toMatch(/iam\.allowedPolicyMemberDomains/);
      expect(explained?.advice).toContain('--no-invoker-iam-check');
      expect(explained?.advice).toContain(
        'gcloud run services update pkgrelay-webhook --no-invoker-iam-check --region=europe-west1 --project=acme',
      );
    },
  );

  it('turns a refused public status bucket into a private one and how to read it', () => {
    for (const stderr of [Refusals.publicAccessPrevented, Refusals.domainRestrictedRun]) {
      const explained = explainDeployFailure(stderr, bucketBinding);
      expect(explained?.advice).toContain('--no-public-status');
      expect(explained?.advice).toContain('pkgrelay status --project acme --bucket acme-pkgrelay-status');
      expect(explained?.advice).toContain('roles/storage.objectViewer');
    }
    expect(explainDeployFailure(Refusals.publicAccessPrevented, bucketBinding)?.cause).toMatch(
      /publicAccessPrevention/,
    );
  });

  it('names the member a domain restriction refuses when it is not allUsers', () => {
    const args = [
      'projects',
      'add-iam-policy-binding',
      'acme',
      '--member=serviceAccount:x@y.iam.gserviceaccount.com',
    ];
    expect(explainDeployFailure(Refusals.domainRestrictedProject, args)?.advice).toContain(
      'serviceAccount:x@y.iam.gserviceaccount.com',
    );
  });

  it('says nothing about errors it does not know', () => {
    expect(explainDeployFailure(Refusals.eventarcAgent, ['functions', 'deploy'])).toBeUndefined();
    expect(explainDeployFailure('ERROR: (gcloud.x) PERMISSION_DENIED', webhookBinding)).toBeUndefined();
  });

  it('reaches the person through the deploy error', async () => {
    const plan = {
      project: 'acme',
      region: 'europe-west1',
      steps: [
        {
          kind: 'run' as const,
          title: 'public webhook',
          command: { program: 'gcloud' as const, args: webhookBinding },
        },
      ],
    };
    const failure = runDeployPlan(plan, {
      run: async () => ({ code: 1, stdout: '', stderr: Refusals.domainRestrictedRun }),
      log: () => {},
    });
    await expect(failure).rejects.toBeInstanceOf(DeployStepError);
    await expect(failure).rejects.toThrow(
      /Why: .*allowedPolicyMemberDomains[\s\S]*What to do: .*--no-invoker-iam-check/,
    );
  });
});

describe('the propagation retries', () => {
  it("wait for Eventarc's agent on a trigger deploy, and for a fresh account on a binding", () => {
    expect(TRIGGER_RETRY.when.test(Refusals.eventarcAgent)).toBe(true);
    expect(IAM_RETRY.when.test(Refusals.freshAccount)).toBe(true);
  });

  it('never wait on an organisation policy refusal, which waiting cannot cure', () => {
    for (const refusal of [
      Refusals.domainRestrictedProject,
      Refusals.domainRestrictedRun,
      Refusals.domainRestrictedDeploy,
      Refusals.publicAccessPrevented,
    ]) {
      expect(IAM_RETRY.when.test(refusal)).toBe(false);
      expect(TRIGGER_RETRY.when.test(refusal)).toBe(false);
    }
  });

  it('are bounded: a few minutes at most', () => {
    for (const policy of [IAM_RETRY, TRIGGER_RETRY])
      expect(policy.attempts * policy.delaySeconds).toBeLessThanOrEqual(300);
  });
});
