/** A refusal gcloud reported that pkgrelay recognises, with what to do about it. */
export interface DeployFailureAdvice {
  /** The organisation policy constraint, or the provider behaviour, behind the refusal. */
  cause: string;
  advice: string;
}

// Domain-restricted sharing: the Resource Manager, Cloud Run and Cloud Storage all answer with this sentence.
const DOMAIN_RESTRICTED =
  /do not belong to a permitted customer|constraints\/iam\.allowedPolicyMemberDomains/i;
// A bucket whose public access prevention is enforced, by its own setting or by the organisation's policy.
const PUBLIC_ACCESS_PREVENTED =
  /public access prevention is enforced|constraints\/storage\.publicAccessPrevention/i;

/**
 * What a failed deploy command's error output means, when it is a known organisation-policy refusal: read from
 * gcloud's own words and the command's arguments (which resource, which project), so the advice names both.
 */
export function explainDeployFailure(
  stderr: string,
  args: readonly string[],
): DeployFailureAdvice | undefined {
  const project = flag(args, '--project') ?? 'PROJECT';
  const region = flag(args, '--region') ?? 'REGION';
  const toAllUsers = flag(args, '--member') === 'allUsers' || args.includes('--allow-unauthenticated');
  const onBucket = args[0] === 'storage' && args[1] === 'buckets';
  const webhook = args.find((arg) => /^pkgrelay-webhook$/.test(arg)) ?? 'pkgrelay-webhook';
  const bucketAdvice = (cause: string): DeployFailureAdvice => {
    const bucket = (args.find((arg) => arg.startsWith('gs://')) ?? 'gs://BUCKET').replace(/^gs:\/\//, '');
    return {
      cause,
      advice:
        `the status bucket cannot be public here: deploy again with --no-public-status, which keeps gs://${bucket} ` +
        'private (public access prevention enforced) and grants no allUsers read. To read the status then, ' +
        `grant readers roles/storage.objectViewer on that bucket (gcloud storage buckets add-iam-policy-binding gs://${bucket} ` +
        '--member=user:EMAIL --role=roles/storage.objectViewer) and let them use `gcloud auth application-default login`, ' +
        `then \`pkgrelay status --project ${project} --bucket ${bucket}\` or \`gcloud storage cat gs://${bucket}/OBJECT\`.`,
    };
  };
  if (DOMAIN_RESTRICTED.test(stderr) && toAllUsers) {
    const cause =
      "your organisation's domain-restricted sharing policy (constraints/iam.allowedPolicyMemberDomains) refuses allUsers";
    if (onBucket) return bucketAdvice(cause);
    return {
      cause,
      advice:
        'GitHub cannot sign in to Google, so the webhook must be reachable without IAM: deploy again with ' +
        `--no-invoker-iam-check, which deploys ${webhook} without the allUsers binding and turns Cloud Run's invoker ` +
        `IAM check off for that one service (gcloud run services update ${webhook} --no-invoker-iam-check ` +
        `--region=${region} --project=${project}); the webhook still checks every delivery's HMAC signature. ` +
        'Or ask an organisation policy administrator to allow allUsers in this project.',
    };
  }
  if (PUBLIC_ACCESS_PREVENTED.test(stderr))
    return bucketAdvice(
      'public access prevention is enforced on the bucket (constraints/storage.publicAccessPrevention, by default in new organisations)',
    );
  if (DOMAIN_RESTRICTED.test(stderr))
    return {
      cause:
        "your organisation's domain-restricted sharing policy (constraints/iam.allowedPolicyMemberDomains) refuses a member",
      advice:
        `the member ${flag(args, '--member') ?? ''} is outside the domains the policy allows; Google's service agents ` +
        '(…@gcp-sa-….iam.gserviceaccount.com) must be allowed by an organisation policy administrator for this project.',
    };
  return undefined;
}

function flag(args: readonly string[], name: string): string | undefined {
  return args.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1);
}
