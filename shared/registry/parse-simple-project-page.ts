import { z } from 'zod';

/** The PEP 691 JSON media type, version 1. */
export const SIMPLE_JSON_TYPE = 'application/vnd.pypi.simple.v1+json';

const ProjectPage = z.object({
  files: z.array(
    z.object({ filename: z.string().min(1), hashes: z.record(z.string(), z.string()).optional() }).loose(),
  ),
});

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" };

function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#39);/g, (_match, entity: string) => ENTITIES[entity] ?? '');
}

/** A file a project page lists, with the sha256 the index gives for it (PEP 691 `hashes`, PEP 503 `#sha256=`). */
export interface ListedFile {
  filename: string;
  sha256: string | undefined;
}

/**
 * The filenames a simple-API project page lists: PEP 691 JSON, or PEP 503 HTML (anchor texts) from
 * servers that do not speak JSON. `undefined` when the body is neither.
 */
export function parseSimpleProjectPage(body: string, contentType: string): string[] | undefined {
  return parseSimpleProjectFiles(body, contentType)?.map((file) => file.filename);
}

/** The files of a simple-API project page with their sha256 where the index states it; `undefined` when the body is no such page. */
export function parseSimpleProjectFiles(body: string, contentType: string): ListedFile[] | undefined {
  if (contentType.includes('json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
    const page = ProjectPage.safeParse(parsed);
    return page.success
      ? page.data.files.map((file) => ({
          filename: file.filename,
          sha256: digestOf(file.hashes?.['sha256']),
        }))
      : undefined;
  }
  if (contentType.includes('html')) {
    return [...body.matchAll(/<a\b([^>]*)>([^<]*)<\/a>/gi)].map((match) => ({
      filename: unescapeHtml((match[2] ?? '').trim()),
      sha256: digestOf(/#sha256=([0-9a-fA-F]{64})/.exec(match[1] ?? '')?.[1]),
    }));
  }
  return undefined;
}

function digestOf(value: string | undefined): string | undefined {
  return value && /^[0-9a-fA-F]{64}$/.test(value) ? value.toLowerCase() : undefined;
}
