import { describe, expect, it } from 'vitest';
import {
  isOurs,
  readOwnState,
  requestTags,
  STATE_TAG,
  STATE_TAG_PREFIX,
  tagSafe,
  validationTags,
} from '../../../shared/certificates/tags.js';

const owner = { ownerTagKey: 'edge-reconciler:owner', ownerId: 'certs' };

describe('certificate state tags', () => {
  it('all start with the prefix the IAM role lets a pass change', () => {
    for (const key of Object.values(STATE_TAG)) expect(key.startsWith(STATE_TAG_PREFIX), key).toBe(true);
    const written = validationTags([{ name: '_a.example.com', value: '_b.acm-validations.aws' }]);
    for (const key of Object.keys(written)) expect(key.startsWith(STATE_TAG_PREFIX), key).toBe(true);
  });

  it('round-trips what a request and later passes write', () => {
    const now = new Date('2026-03-01T10:00:00.000Z');
    const records = [
      { name: '_abc.shop.example.com', value: '_def.xyz.acm-validations.aws' },
      { name: '_123.example.com', value: '_456.xyz.acm-validations.aws' },
    ];
    const tags = {
      ...requestTags(owner, now, 3),
      ...validationTags(records),
      [STATE_TAG.retryAfter]: '2026-03-01T12:00:00.000Z',
      [STATE_TAG.failureReason]: 'CAA_ERROR',
    };
    expect(isOurs({ tags }, owner)).toBe(true);
    expect(readOwnState(tags)).toEqual({
      requestedAt: now,
      attempt: 3,
      retryAfter: new Date('2026-03-01T12:00:00.000Z'),
      failureReason: 'CAA_ERROR',
      validationRecords: records,
    });
  });

  it.each([
    [{}, false],
    [{ 'edge-reconciler:owner': 'someone-else' }, false],
    [{ 'edge-reconciler:owner': 'certs' }, true],
  ])('ownership of %j: %s', (tags, ours) => expect(isOurs({ tags }, owner)).toBe(ours));

  it('reads tags edited into nonsense as absent', () => {
    const st = readOwnState({
      [STATE_TAG.attempt]: 'many',
      [STATE_TAG.retryAfter]: 'soon',
      [`${STATE_TAG.validationPrefix}1`]: 'no-equals-sign',
    });
    expect(st).toEqual({ attempt: 1, validationRecords: [] });
  });

  it('leaves out a validation record too long for a tag value', () => {
    const long = { name: `_a.${'b'.repeat(250)}.com`, value: '_c.acm-validations.aws' };
    const short = { name: '_a.example.com', value: '_c.acm-validations.aws' };
    expect(validationTags([long, short])).toEqual({
      [`${STATE_TAG.validationPrefix}1`]: '_a.example.com=_c.acm-validations.aws',
    });
  });

  it('makes any text fit a tag value', () => {
    expect(tagSafe('bad, "value"*')).toBe('bad_ _value__');
  });
});
