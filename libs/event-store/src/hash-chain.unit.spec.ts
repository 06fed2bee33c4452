import { checkLink, hashEvent, verifyChain, type ChainedEvent } from './hash-chain';

/** A stream of `count` chained events, as the command side writes them. */
function chain(count: number): ChainedEvent[] {
  const events: ChainedEvent[] = [];
  for (let revision = 0; revision < count; revision++) {
    const unhashed = {
      id: `e-${revision}`,
      streamId: 'joint-venture-x',
      revision,
      type: 'BatchProduced',
      data: { quantity: revision },
      metadata: { prevHash: events.at(-1)?.metadata.hash ?? null },
    };
    events.push({ ...unhashed, metadata: { ...unhashed.metadata, hash: hashEvent(unhashed) } });
  }
  return events;
}

const head = (event: ChainedEvent) => ({
  revision: event.revision,
  hash: String(event.metadata.hash),
});

describe('checkLink', () => {
  const [first, second, third] = chain(3);

  it('holds for each event after the one before it, and for revision 0 after none', () => {
    expect(checkLink(first, undefined)).toBeUndefined();
    expect(checkLink(second, head(first))).toBeUndefined();
  });

  it('names the revision, the prevHash or the hash that does not hold, in that order', () => {
    expect(checkLink(third, head(first))).toEqual({
      check: 'revision',
      reason: 'expected revision 1, found 2',
    });
    expect(checkLink(second, { revision: 0, hash: 'f'.repeat(64) })).toMatchObject({
      check: 'prev-hash',
    });
    const edited = { ...second, data: { quantity: 99 } };
    expect(checkLink(edited, head(first))).toMatchObject({ check: 'hash' });
  });

  it('chains on the stored hash: an edited event breaks its own link, not the next one', () => {
    const edited = { ...second, data: { quantity: 99 } };
    expect(checkLink(third, head(edited))).toBeUndefined();
    expect(verifyChain([first, edited, third])).toMatchObject({
      valid: false,
      firstBrokenVersion: 1,
      reason: 'content does not match its hash',
    });
    expect(verifyChain(chain(4))).toEqual({ valid: true, events: 4 });
  });
});
