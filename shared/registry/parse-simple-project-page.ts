import { z } from 'zod';

/** The PEP 691 JSON media type, version 1. */
export const SIMPLE_JSON_TYPE = 'application/vnd.pypi.simple.v1+json';

const ProjectPage = z.object({
  files: z.array(z.object({ filename: z.string().min(1) }).loose()),
});

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" };

function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#39);/g, (_match, entity: string) => ENTITIES[entity] ?? '');
}

/**
 * The filenames a simple-API project page lists: PEP 691 JSON, or PEP 503 HTML (anchor texts) from
 * servers that do not speak JSON. `undefined` when the body is neither.
 */
export function parseSimpleProjectPage(body: string, contentType: string): string[] | undefined {
  if (contentType.includes('json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
    const page = ProjectPage.safeParse(parsed);
    return page.success ? page.data.files.map((file) => file.filename) : undefined;
  }
  if (contentType.includes('html')) {
    return [...body.matchAll(/<a\b[^>]*>([^<]*)<\/a>/gi)].map((match) =>
      unescapeHtml((match[1] ?? '').trim()),
    );
  }
  return undefined;
}
