import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../shared/log/create-logger.js';

describe('createLogger', () => {
  it('writes one JSON line per entry with the Cloud Logging severity and inherited fields', () => {
    const lines: string[] = [];
    const logger = createLogger({
      fields: { component: 'webhook' },
      write: (line) => lines.push(line),
      clock: () => new Date('2026-01-02T03:04:05.000Z'),
    });
    logger.child({ deliveryId: 'd-1' }).warn('publish retried', { attempt: 2, error: new Error('boom') });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    const entry = JSON.parse(lines[0] ?? '{}');
    expect(entry).toMatchObject({
      severity: 'WARNING',
      message: 'publish retried',
      time: '2026-01-02T03:04:05.000Z',
      component: 'webhook',
      deliveryId: 'd-1',
      attempt: 2,
      error: { name: 'Error', message: 'boom' },
    });
  });

  it('drops entries below the minimum severity', () => {
    const lines: string[] = [];
    const logger = createLogger({ write: (line) => lines.push(line), minSeverity: 'INFO' });
    logger.debug('hidden');
    logger.error('shown');
    expect(lines.map((line) => JSON.parse(line).severity)).toEqual(['ERROR']);
  });
});
