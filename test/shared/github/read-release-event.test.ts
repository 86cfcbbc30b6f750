import { describe, expect, it } from 'vitest';
import { readReleaseEvent } from '../../../shared/github/read-release-event.js';

const repository = { full_name: 'Acme/Widgets' };
const release = (action: string, draft = false, prerelease = false) => ({
  action,
  release: { tag_name: 'v1.0', draft, prerelease },
  repository,
});

describe('readReleaseEvent', () => {
  it.each([
    [
      'release',
      release('published'),
      { kind: 'tag', repository: 'Acme/Widgets', tag: 'v1.0', prerelease: false },
    ],
    [
      'release',
      release('published', false, true),
      { kind: 'tag', repository: 'Acme/Widgets', tag: 'v1.0', prerelease: true },
    ],
    [
      'release',
      release('prereleased', false, true),
      { kind: 'tag', repository: 'Acme/Widgets', tag: 'v1.0', prerelease: true },
    ],
    [
      'create',
      { ref: 'v1.0', ref_type: 'tag', repository },
      { kind: 'tag', repository: 'Acme/Widgets', tag: 'v1.0', prerelease: false },
    ],
    [
      'push',
      { ref: 'refs/tags/a/b', created: true, deleted: false, repository },
      { kind: 'tag', repository: 'Acme/Widgets', tag: 'a/b', prerelease: false },
    ],
    ['ping', { hook_id: 7 }, { kind: 'ping', hookId: 7 }],
    ['ping', { hook: { id: 8 } }, { kind: 'ping', hookId: 8 }],
    ['ping', {}, { kind: 'ping', hookId: undefined }],
  ])('%s %j', (event, payload, expected) => {
    expect(readReleaseEvent(event, payload)).toEqual({ success: true, data: expected });
  });

  it.each([
    ['release', release('published', true), /drafts/],
    ['release', release('created'), /"created" is not handled/],
    ['release', release('released'), /"released" is not handled/],
    ['create', { ref: 'main', ref_type: 'branch', repository }, /create of a branch/],
    ['push', { ref: 'refs/heads/main', created: true, deleted: false, repository }, /not a tag/],
    ['push', { ref: 'refs/tags/v1', created: false, deleted: true, repository }, /deleting tag v1/],
    ['push', { ref: 'refs/tags/v1', created: false, deleted: false, repository }, /moving existing tag v1/],
    ['delete', { ref: 'v1', ref_type: 'tag', repository }, /event "delete" is not handled/],
  ])('ignores %s %j', (event, payload, reason) => {
    expect(readReleaseEvent(event, payload)).toEqual({
      success: true,
      data: { kind: 'ignored', reason: expect.stringMatching(reason) },
    });
  });

  it.each([
    ['release', { action: 'published', repository }, /release: /],
    ['release', null, /\(message\)/],
    ['create', { ref: 1, ref_type: 'tag', repository }, /ref: /],
    ['push', { ref: 'refs/tags/v1', created: true, deleted: false }, /repository: /],
    [
      'push',
      { ref: 'refs/tags/v1', created: true, deleted: false, repository: { full_name: '' } },
      /repository\.full_name: /,
    ],
    ['ping', { hook_id: 'x' }, /hook_id: /],
  ])('refuses %s %j as malformed', (event, payload, reason) => {
    expect(readReleaseEvent(event, payload)).toEqual({
      success: false,
      error: expect.stringMatching(reason),
    });
  });
});
