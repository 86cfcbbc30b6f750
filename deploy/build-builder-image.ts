import { join } from 'node:path';
import { BUILDER_IMAGE_FOLDER } from './builder-image-files.js';
import type { ResourceNames } from './name-resources.js';
import type { Command, DeployStep } from './plan-types.js';
import { IAM_RETRY } from './propagation-retries.js';

/**
 * Builds the builder image of one Python version once: its tag is a digest of its inputs, so an image that exists
 * is never built again. It builds as the function-build account (trusted files only, nothing of upstream).
 */
export function buildBuilderImage(
  names: ResourceNames,
  pythonVersion: string,
  bundleDir: string,
  gcloud: (...args: string[]) => Command,
): DeployStep {
  const image = names.builderImage(pythonVersion);
  const context = join(bundleDir, BUILDER_IMAGE_FOLDER);
  return {
    kind: 'ensure',
    title: `Builder image for Python ${pythonVersion} (the pinned tools baked in), built once with Cloud Build`,
    describe: gcloud('artifacts', 'docker', 'images', 'describe', image),
    create: [
      gcloud(
        'builds',
        'submit',
        context,
        `--config=${join(context, 'cloudbuild.yaml')}`,
        `--substitutions=_PYTHON_VERSION=${pythonVersion},_IMAGE=${image}`,
        `--region=${names.region}`,
        `--service-account=projects/${names.project}/serviceAccounts/${names.account('functionBuilds')}`,
      ),
    ],
    update: [],
    // The account's grants were made moments before.
    retry: { ...IAM_RETRY, when: /PERMISSION_DENIED|does not have .*permission|does not exist/i },
  };
}
