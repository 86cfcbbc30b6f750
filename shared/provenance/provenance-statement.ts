import { z } from 'zod';

/** in-toto Statement v1 and SLSA provenance v1, the type URIs readers match on. */
export const StatementType = 'https://in-toto.io/Statement/v1';
export const ProvenancePredicateType = 'https://slsa.dev/provenance/v1';
/** What a pkgrelay build is: README "Provenance" says what its parameters mean. */
export const PkgrelayBuildType = 'https://github.com/pkgrelay/pkgrelay/blob/main/README.md#provenance';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

// A digest set: algorithm to lowercase hex (in-toto's DigestSet; gitCommit for a git object).
const DigestSet = z.record(z.string(), z.string().regex(/^[0-9a-f]+$/));

/** in-toto's ResourceDescriptor, the fields pkgrelay writes. */
export const ResourceDescriptor = z.object({
  uri: z.string().optional(),
  digest: DigestSet.optional(),
  name: z.string().optional(),
  downloadLocation: z.string().optional(),
  mediaType: z.string().optional(),
  annotations: z.record(z.string(), z.unknown()).optional(),
});
export type ResourceDescriptor = z.infer<typeof ResourceDescriptor>;

export const ProvenanceStatement = z.object({
  _type: z.literal(StatementType),
  subject: z
    .array(
      z.object({
        name: z.string().describe('The distribution file name'),
        digest: z.object({ sha256: Sha256 }),
      }),
    )
    .min(1)
    .describe('Every file the job published, with the sha256 the registry serves'),
  predicateType: z.literal(ProvenancePredicateType),
  predicate: z.object({
    buildDefinition: z.object({
      buildType: z.literal(PkgrelayBuildType),
      externalParameters: z
        .object({
          repository: z.string(),
          tag: z.string(),
          version: z.string(),
          source: z.string().describe('The upstream git URL the fetch step read'),
          subdirectory: z.string().optional(),
          distributionName: z.string().optional(),
          versionPolicy: z.string().optional(),
          registry: z.string().describe('The Python repository the files were uploaded to'),
        })
        .describe('What the release request and the repositories file chose'),
      internalParameters: z
        .object({
          projectId: z.string().optional(),
          attempt: z.number().int(),
          isolation: z.boolean(),
          buildPhase: z
            .string()
            .optional()
            .describe(
              'The build that fetched and built upstream code; runDetails is the build that published',
            ),
        })
        .optional(),
      resolvedDependencies: z
        .array(ResourceDescriptor)
        .min(1)
        .describe('First the upstream source: git+URL@refs/tags/TAG with its gitCommit'),
    }),
    runDetails: z.object({
      builder: z.object({
        id: z.string().describe('The build service and project that ran the build'),
        version: z.record(z.string(), z.string()).optional(),
        builderDependencies: z
          .array(ResourceDescriptor)
          .optional()
          .describe('Each step image (with its digest where Cloud Build reports one) and each pinned tool'),
      }),
      metadata: z.object({
        invocationId: z.string().describe('The Cloud Build id'),
        startedOn: z.iso.datetime().optional(),
        finishedOn: z.iso.datetime().optional(),
      }),
      byproducts: z.array(ResourceDescriptor).optional(),
    }),
  }),
});
export type ProvenanceStatement = z.infer<typeof ProvenanceStatement>;

/** The object that names, for one file's sha256, the job and statement it belongs to (`digests/sha256/<hex>.json`). */
export const DigestRecord = z.object({
  schemaVersion: z.literal(1),
  sha256: Sha256,
  filename: z.string(),
  repository: z.string(),
  tag: z.string(),
  statement: z.string().describe('Object path of the provenance statement'),
});
export type DigestRecord = z.infer<typeof DigestRecord>;
