import { InMemoryEventStore } from '@app/event-store';
import { randomUUID } from 'node:crypto';
import { LogBacklog } from './log-backlog';

describe('LogBacklog', () => {
  const store = new InMemoryEventStore();
  const append = async (stream = `joint-venture-${randomUUID()}`) =>
    (
      await store.appendToStream(stream, [
        { id: randomUUID(), type: 'Noted', data: {}, metadata: {} },
      ])
    ).position;
  afterAll(() => store.close());

  it('counts the events after each checkpoint and ages the oldest, reading only what is new', async () => {
    const positions = [await append(), await append(), await append()];
    const read = jest.spyOn(store, 'readAll');
    const now = Date.now() + 5_000;
    const backlog = new LogBacklog(store, { streamPrefix: 'joint-venture-', clock: () => now });

    await backlog.refresh(positions[0]);
    expect(backlog.headPosition).toBe(positions[2]);
    expect(backlog.lag(positions[0])).toEqual({ events: 2, seconds: expect.any(Number) });
    expect(backlog.lag(positions[0]).seconds).toBeGreaterThanOrEqual(5);
    expect(backlog.lag(positions[2])).toEqual({ events: 0, seconds: 0 });

    const next = await append();
    read.mockClear();
    await backlog.refresh(positions[1]);
    expect(read.mock.calls[0][0]).toMatchObject({ after: positions[2] });
    expect(backlog.headPosition).toBe(next);
    expect(backlog.lag(positions[1]).events).toBe(2);
    expect(await append('other-stream')).toBeGreaterThan(next);
    await backlog.refresh(positions[1]);
    expect(backlog.headPosition).toBe(next);
  });

  it('reads again from the start when a checkpoint moves back (a reset)', async () => {
    const backlog = new LogBacklog(store, { streamPrefix: 'joint-venture-' });
    const head = (await store.readAll({ streamPrefix: 'joint-venture-' })).at(-1)!.position;
    await backlog.refresh(head);
    expect(backlog.lag(undefined).events).toBe(0);
    await backlog.refresh(undefined);
    expect(backlog.lag(undefined).events).toBe(4);
  });
});
