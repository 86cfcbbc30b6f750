export interface SimpleFormat {
  kind: 'json' | 'html';
  contentType: string;
}

const JSON_FORMAT: SimpleFormat = { kind: 'json', contentType: 'application/vnd.pypi.simple.v1+json' };
const HTML_V1_FORMAT: SimpleFormat = { kind: 'html', contentType: 'application/vnd.pypi.simple.v1+html' };
const TEXT_HTML_FORMAT: SimpleFormat = { kind: 'html', contentType: 'text/html; charset=utf-8' };

const FORMAT_OF_TYPE: Record<string, SimpleFormat> = {
  'application/vnd.pypi.simple.v1+json': JSON_FORMAT,
  'application/vnd.pypi.simple.latest+json': JSON_FORMAT,
  'application/vnd.pypi.simple.v1+html': HTML_V1_FORMAT,
  'application/vnd.pypi.simple.latest+html': HTML_V1_FORMAT,
  'text/html': TEXT_HTML_FORMAT,
  'text/*': TEXT_HTML_FORMAT,
  '*/*': TEXT_HTML_FORMAT,
};

/**
 * Picks the simple-API format for an `Accept` header as PEP 691 describes: the supported type of the
 * highest quality (the first listed on a tie); HTML when there is no header; `undefined` (answer 406)
 * when nothing listed is supported.
 */
export function negotiateSimpleFormat(accept: string | undefined): SimpleFormat | undefined {
  if (!accept?.trim()) return TEXT_HTML_FORMAT;
  let best: { format: SimpleFormat; quality: number } | undefined;
  for (const entry of accept.split(',')) {
    const [type = '', ...parameters] = entry.split(';').map((part) => part.trim());
    const format = FORMAT_OF_TYPE[type.toLowerCase()];
    if (!format) continue;
    const q = parameters.find((parameter) => /^q=/i.test(parameter));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    if (!(quality > 0)) continue;
    if (!best || quality > best.quality) best = { format, quality };
  }
  return best?.format;
}
