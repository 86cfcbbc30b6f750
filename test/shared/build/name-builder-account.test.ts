import { describe, expect, it } from 'vitest';
import { builderAccountOf, privateBuilderAccountId } from '../../../shared/build/name-builder-account.js';

describe('builderAccountOf', () => {
  const managed = {
    projectId: 'p',
    buildServiceAccount: 'projects/p/serviceAccounts/pkgrelay-builds@p.iam.gserviceaccount.com',
  };

  it('runs public repositories as the shared builder, private ones each as its own', () => {
    expect(builderAccountOf({ repository: 'a/pub', private: false }, managed)).toBe(
      managed.buildServiceAccount,
    );
    const one = builderAccountOf({ repository: 'A/Secret', private: true }, managed);
    const two = builderAccountOf({ repository: 'a/other', private: true }, managed);
    expect(one).toBe(
      `projects/p/serviceAccounts/${privateBuilderAccountId('a/secret')}@p.iam.gserviceaccount.com`,
    );
    expect(one).not.toBe(two);
  });

  it('names accounts IAM accepts (6–30 characters, lowercase) and none when accounts are unmanaged', () => {
    expect(privateBuilderAccountId('Some-Org/A-Very-Long-Repository-Name')).toMatch(
      /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
    );
    expect(builderAccountOf({ repository: 'a/b', private: true }, { projectId: 'p' })).toBeUndefined();
  });
});
