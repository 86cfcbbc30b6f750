import type { BuildStatus } from '../../shared/build/read-build-notification.js';

// The stand-in speaks the same statuses pkgrelay reads from real builds.
export type { BuildStatus };

export interface TimeSpan {
  startTime?: string;
  endTime?: string;
}

export interface BuildStep {
  name: string;
  args?: string[];
  env?: string[];
  dir?: string;
  id?: string;
  waitFor?: string[];
  entrypoint?: string;
  secretEnv?: string[];
  timeout?: string;
  status?: BuildStatus;
  timing?: TimeSpan;
  pullTiming?: TimeSpan;
  exitCode?: number;
  [other: string]: unknown;
}

export interface SecretManagerSecret {
  versionName: string;
  env: string;
}

export interface Build {
  name: string;
  id: string;
  projectId: string;
  status: BuildStatus;
  statusDetail?: string;
  steps: BuildStep[];
  substitutions?: Record<string, string>;
  options?: Record<string, unknown>;
  availableSecrets?: { secretManager?: SecretManagerSecret[] };
  timeout: string;
  queueTtl?: string;
  createTime: string;
  startTime?: string;
  finishTime?: string;
  logUrl: string;
  timing?: Record<string, TimeSpan>;
  results?: {
    buildStepOutputs: string[];
    buildStepImages: string[];
    artifactManifest?: string;
    numArtifacts?: string;
    artifactTiming?: TimeSpan;
  };
  source?: { storageSource?: { bucket: string; object: string; generation?: string } };
  sourceProvenance?: { resolvedStorageSource?: { bucket: string; object: string; generation: string } };
  artifacts?: { objects?: { location: string; paths: string[]; timing?: TimeSpan } };
  serviceAccount?: string;
  failureInfo?: { type: string; detail: string };
  tags?: string[];
  [other: string]: unknown;
}
