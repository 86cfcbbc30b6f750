import { privateBuilderAccountId } from '../shared/build/name-builder-account.js';
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
  /** The private repositories and the Secret Manager secret holding each one's upstream token. */
  privateRepositories: readonly PrivateRepository[];
  /** Secret Manager secrets the notifier reads (the `urlSecret` and `signingSecret` of notification endpoints). */
  notificationSecrets?: readonly string[];
  /** The status documents and page are readable by anyone (allUsers objectViewer on the bucket). */
  publicStatus: boolean;
  /** Cloud Scheduler cron for reconcile. */
  schedule: string;
  maxDeliveryAttempts: number;
  functions: readonly FunctionTarget[];
  /** Webhook instances kept warm (each billed while idle); 0 lets it scale to zero. */
  minInstances: number;
  /** Serve the webhook through an allUsers run.invoker binding; false turns Cloud Run's invoker check off for it instead. */
  invokerIamCheck: boolean;
  /** The Python versions the repositories build with: one builder image each. */
  pythonVersions: readonly string[];
  /** The builder image's tag suffix: a digest of its Dockerfile and pinned tools (builderImageDigest). */
  builderDigest: string;
}

export interface PrivateRepository {
  repository: string;
  tokenSecret: string;
}

/** `builds` runs public repositories' build phases, `publisher` every publish phase; `functionBuilds` builds the functions' own source and the builder image: trusted code only. */
export type AccountKey = FunctionTarget | 'builds' | 'publisher' | 'invoker' | 'functionBuilds';

/** Every name a deployment uses, derived once so the plan and the role bindings agree. */
export interface ResourceNames {
  project: string;
  region: string;
  releasesTopic: string;
  deadLetterTopic: string;
  buildEventsTopic: string;
  jobEventsTopic: string;
  jobEventsDeadLetterTopic: string;
  bucket: string;
  /** Private: where each build phase leaves its archive for the publish phase. */
  stagingBucket: string;
  repository: string;
  registryUrl: string;
  webhookSecret: string;
  scheduleJob: string;
  /** The private bucket holding the served repositories and their change records. */
  configBucket: string;
  /** The served repositories the functions read at run time (their PKGRELAY_CONFIG). */
  catalogUrl: string;
  /** The Artifact Registry Docker repository of the functions' images and the builder image. */
  dockerRepository: string;
  /** The builder image for one Python version, as builds name their steps' image. */
  builderImage(pythonVersion: string): string;

  account(key: AccountKey): string;
  /** A private repository's own builder account, which alone reads its token. */
  privateBuilder(repository: string): string;
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
    key === 'functionBuilds'
      ? 'pkgrelay-function-builds'
      : key === 'builds' || key === 'publisher' || key === 'invoker'
        ? `pkgrelay-${key}`
        : functionName(key);
  const dockerRepository = 'pkgrelay-images';
  return {
    project,
    region,
    releasesTopic: 'pkgrelay-releases',
    deadLetterTopic: 'pkgrelay-releases-dead-letter',
    buildEventsTopic: 'cloud-builds',
    jobEventsTopic: 'pkgrelay-job-events',
    jobEventsDeadLetterTopic: 'pkgrelay-job-events-dead-letter',
    bucket: options.bucket ?? `${project}-pkgrelay-status`,
    stagingBucket: `${options.bucket ?? `${project}-pkgrelay-status`}-staging`,
    repository,
    registryUrl: `https://${region}-python.pkg.dev/${project}/${repository}/`,
    webhookSecret: 'pkgrelay-webhook-secret',
    scheduleJob: 'pkgrelay-reconcile',
    configBucket,
    catalogUrl: `gs://${configBucket}/repositories.json`,
    dockerRepository,
    builderImage: (pythonVersion) =>
      `${region}-docker.pkg.dev/${project}/${dockerRepository}/builder:py${pythonVersion}-${options.builderDigest}`,

    account: (key) => `${accountId(key)}@${project}.iam.gserviceaccount.com`,
    privateBuilder: (repo) => `${privateBuilderAccountId(repo)}@${project}.iam.gserviceaccount.com`,
    functionName,
    pubsubAgent: 'service-{{PROJECT_NUMBER}}@gcp-sa-pubsub.iam.gserviceaccount.com',
  };
}
