import { FUNCTION_DEPLOYMENTS, type FunctionTarget } from './function-deployments.js';

/** What a deployment is asked for; the CLI fills the defaults. */
export interface DeployOptions {
  project: string;
  region: string;
  /** The status bucket; default `<project>-pkgrelay-status`. */
  bucket?: string | undefined;
  /** The Artifact Registry Python repository; default `pkgrelay`. */
  repository?: string | undefined;
  /** Folder holding one bundle folder per function (`npm run build` writes `lib/bundle`). */
  bundleDir: string;
  /** The private bucket of the served repositories; default `<project>-pkgrelay-config`. */
  configBucket?: string | undefined;
  /** The repositories file: it seeds the served catalog when that has no document yet. */
  configPath: string;
  /** Secret Manager secrets holding upstream tokens (the `tokenSecret` of private repositories). */
  tokenSecrets: readonly string[];
  /** The status documents and page are readable by anyone (allUsers objectViewer on the bucket). */
  publicStatus: boolean;
  /** Cloud Scheduler cron for reconcile. */
  schedule: string;
  maxDeliveryAttempts: number;
  functions: readonly FunctionTarget[];
}

export type AccountKey = FunctionTarget | 'builds' | 'invoker';

/** Every name a deployment uses, derived once so the plan and the role bindings agree. */
export interface ResourceNames {
  project: string;
  region: string;
  releasesTopic: string;
  deadLetterTopic: string;
  buildEventsTopic: string;
  bucket: string;
  repository: string;
  registryUrl: string;
  webhookSecret: string;
  scheduleJob: string;
  /** The private bucket holding the served repositories and their change records. */
  configBucket: string;
  /** The served repositories the functions read at run time (their PKGRELAY_CONFIG). */
  catalogUrl: string;
  account(key: AccountKey): string;
  functionName(target: FunctionTarget): string;
  /** Pub/Sub's service agent; its project number is looked up during the deployment. */
  pubsubAgent: string;
}

/** Derives the names of every resource of a deployment from its options. */
export function nameResources(options: DeployOptions): ResourceNames {
  const { project, region } = options;
  const repository = options.repository ?? 'pkgrelay';
  const configBucket = options.configBucket ?? `${project}-pkgrelay-config`;
  const functionName = (target: FunctionTarget): string => {
    const found = FUNCTION_DEPLOYMENTS.find((fn) => fn.target === target);
    if (!found) throw new Error(`unknown function ${target}`);
    return found.name;
  };
  const accountId = (key: AccountKey): string =>
    key === 'builds' || key === 'invoker' ? `pkgrelay-${key}` : functionName(key);
  return {
    project,
    region,
    releasesTopic: 'pkgrelay-releases',
    deadLetterTopic: 'pkgrelay-releases-dead-letter',
    buildEventsTopic: 'cloud-builds',
    bucket: options.bucket ?? `${project}-pkgrelay-status`,
    repository,
    registryUrl: `https://${region}-python.pkg.dev/${project}/${repository}/`,
    webhookSecret: 'pkgrelay-webhook-secret',
    scheduleJob: 'pkgrelay-reconcile',
    configBucket,
    catalogUrl: `gs://${configBucket}/repositories.json`,
    account: (key) => `${accountId(key)}@${project}.iam.gserviceaccount.com`,
    functionName,
    pubsubAgent: 'service-{{PROJECT_NUMBER}}@gcp-sa-pubsub.iam.gserviceaccount.com',
  };
}
