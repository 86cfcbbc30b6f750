import { z } from 'zod';

/** Git's limit for one path component on most file systems, and so for the tags pkgrelay accepts. */
export const MAX_TAG_BYTES = 255;

/** Git's rules for a ref name (git check-ref-format), so a tag we accept is one git can have created. */
export function tagNameProblem(tag: string): string | undefined {
  if (tag.length === 0) return 'is empty';
  if (Buffer.byteLength(tag) > MAX_TAG_BYTES) return `is longer than ${MAX_TAG_BYTES} bytes`;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(tag))
    return 'contains a space, a control character or one of ~ ^ : ? * [ \\';
  if (tag.includes('..')) return 'contains ".."';
  if (tag.includes('@{') || tag === '@') return 'contains "@{"';
  if (tag.startsWith('/') || tag.endsWith('/') || tag.includes('//')) return 'has an empty path component';
  if (tag.endsWith('.')) return 'ends with "."';
  for (const component of tag.split('/')) {
    if (component.startsWith('.')) return 'has a path component that starts with "."';
    if (component.endsWith('.lock')) return 'has a path component that ends with ".lock"';
  }
  if (tag.startsWith('-')) return 'starts with "-"';
  return undefined;
}

export const TagName = z.string().superRefine((tag, ctx) => {
  const problem = tagNameProblem(tag);
  if (problem) ctx.addIssue({ code: 'custom', message: `is not a valid git tag name: it ${problem}` });
});
