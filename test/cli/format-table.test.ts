import { describe, expect, it } from 'vitest';
import { formatAge, formatTable } from '../../cli/format-table.js';

describe('formatTable', () => {
  it('aligns columns under the header without trailing spaces', () => {
    expect(
      formatTable(
        ['TAG', 'STATE'],
        [
          ['v1.0.0', 'published'],
          ['v10.0.0', ''],
        ],
      ),
    ).toBe('TAG      STATE\nv1.0.0   published\nv10.0.0');
  });
});

describe('formatAge', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  it.each([
    ['2024-05-01T11:59:50Z', '10 s ago'],
    ['2024-05-01T11:50:00Z', '10 min ago'],
    ['2024-05-01T06:00:00Z', '6 h ago'],
    ['2024-04-01T06:00:00Z', '2024-04-01'],
  ])('%s → %s', (iso, text) => expect(formatAge(iso, now)).toBe(text));
});
