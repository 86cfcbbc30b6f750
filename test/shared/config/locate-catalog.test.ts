import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/load-config.js';
import { locateCatalog } from '../../../shared/config/locate-catalog.js';
import { ConfigError } from '../../../shared/errors.js';

const never = (): never => {
  throw new Error('a gs:// catalog is not read at load time');
};

describe('locateCatalog', () => {
  it('reads a gs://bucket/object URL without reading anything', () => {
    expect(locateCatalog('gs://acme-pkgrelay-config/served/repositories.json', never)).toEqual({
      kind: 'gcs',
      url: 'gs://acme-pkgrelay-config/served/repositories.json',
      bucket: 'acme-pkgrelay-config',
      object: 'served/repositories.json',
    });
  });

  it.each(['gs://', 'gs://Bad_Bucket/x.json', 'gs://bucket', 'gs://bucket/', 'gs://bucket/folder/'])(
    'refuses %s, naming PKGRELAY_CONFIG',
    (value) => {
      expect(() => locateCatalog(value, never)).toThrow(ConfigError);
      expect(() => locateCatalog(value, never)).toThrow(
        /PKGRELAY_CONFIG: .* is not a gs:\/\/bucket\/object URL/,
      );
    },
  );

  it('reads a path as the repositories file, at once', () => {
    const catalog = locateCatalog('/etc/repositories.json', () => []);
    expect(catalog).toEqual({ kind: 'file', path: '/etc/repositories.json', repositories: [] });
  });

  it('lets loadConfig start from a gs:// catalog with its refresh period', () => {
    const config = loadConfig(
      { PKGRELAY_PROJECT_ID: 'p', PKGRELAY_CONFIG: 'gs://p-pkgrelay-config/repositories.json' },
      never,
    );
    expect(config.catalog).toMatchObject({ kind: 'gcs', bucket: 'p-pkgrelay-config' });
    expect(config.configRefreshSeconds).toBe(30);
  });
});
