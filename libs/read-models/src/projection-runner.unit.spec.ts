import type { EventReader, RecordedEvent, SubscriptionOptions } from '@app/event-store';
import { readCheckpoint, storeCheckpoint } from './checkpoints';
import { jointVentureSummaries } from './joint-venture-summaries/summaries.projection';
import type { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';
import { JointVentureHistory, recorded } from './testing/joint-venture-history';
import { openTestReadModels, snapshot, type TestReadModels } from './testing/read-model-test-db';

/** Stands in for the store's subscription, so a test decides what is delivered and when. */
class ScriptedLog implements Pick<EventReader, 'subscribeToAll'> {
  options: SubscriptionOptions | undefined;
  stopped = false;

  subscribeToAll(options: SubscriptionOptions) {
    this.options = options;
    return {
      caughtUp: Promise.resolve(),
      lastProcessed: undefined,
      stop: async () => void (this.stopped = true),
    };
  }

  /** Delivers a batch the way the store does: a rejection is reported, then surfaces. */
  async deliver(batch: readonly RecordedEvent[]): Promise<void> {
    try {
      await this.options!.handle(batch);
    } catch (error) {
      this.options!.onError?.(error, 1);
      throw error;
    }
  }
}

describe('ProjectionRunner', () => {
  let readModels: TestReadModels;
  let log: ScriptedLog;
  let handled: string[];
  let projection: Projection;
  let runner: ProjectionRunner;
  const events = recorded(new JointVentureHistory().fullLifecycle().events);

  beforeEach(async () => {
    readModels = await openTestReadModels();
    log = new ScriptedLog();
    handled = [];
    projection = {
      ...jointVentureSummaries,
      handle: async (trx, event) => {
        handled.push(event.id);
        await jointVentureSummaries.handle(trx, event);
      },
    };
    runner = new ProjectionRunner({ db: readModels.db, events: log, projection });
  });
  afterEach(async () => {
    await runner.stop();
    await readModels.close();
  });

  it('subscribes to joint-venture streams after its stored checkpoint', async () => {
    await storeCheckpoint(readModels.db, projection.name, 41n);

    await runner.start();

    expect(log.options).toMatchObject({ after: 41n, streamPrefix: 'joint-venture-' });
    expect(runner.status()).toEqual({
      name: 'JointVentureSummaries',
      checkpoint: '41',
      running: true,
      caughtUp: true,
      lastError: null,
    });
  });

  it('applies a batch and stores the position of its last event as the checkpoint', async () => {
    await runner.start();

    await log.deliver(events);

    expect(handled).toHaveLength(events.length);
    expect(await readCheckpoint(readModels.db, projection.name)).toBe(events.at(-1)!.position);
    expect(runner.status().checkpoint).toBe(String(events.at(-1)!.position));
  });

  it('changes nothing when a batch is redelivered', async () => {
    await runner.start();
    await log.deliver(events);
    const once = await snapshot(readModels.db);

    await log.deliver(events);

    expect(handled).toHaveLength(events.length);
    expect(await snapshot(readModels.db)).toEqual(once);
  });

  it('skips what a checkpoint stored elsewhere (a rebuild) already covers', async () => {
    await runner.start();
    await log.deliver(events.slice(0, 3));
    await storeCheckpoint(readModels.db, projection.name, events[9].position);

    await log.deliver(events.slice(3));

    expect(handled).toEqual([...events.slice(0, 3), ...events.slice(10)].map((e) => e.id));
  });

  it('commits nothing of a failing batch and reports the error until a batch succeeds', async () => {
    await runner.start();
    const unreadable = { ...events[1], type: 'SomethingFromTheFuture' };

    await expect(log.deliver([events[0], unreadable])).rejects.toThrow(/SomethingFromTheFuture/);
    const afterFailure = { status: runner.status(), tables: await snapshot(readModels.db) };
    await log.deliver([events[0]]);

    expect(afterFailure.status).toMatchObject({ checkpoint: null, lastError: expect.any(String) });
    expect(afterFailure.tables.jv_summaries).toEqual([]);
    expect(runner.status()).toMatchObject({
      checkpoint: String(events[0].position),
      lastError: null,
    });
  });

  it('lets a caller wait until an appended position is projected', async () => {
    await runner.start();
    const waiting = runner.waitFor(events[5].position);
    let settled = false;
    void waiting.then(() => (settled = true));

    await log.deliver(events.slice(0, 5));
    const settledEarly = settled;
    await log.deliver(events.slice(5));
    await waiting;

    expect(settledEarly).toBe(false);
    await expect(runner.waitFor(events[0].position)).resolves.toBeUndefined();
  });

  it('stops its subscription and rejects whoever still waits', async () => {
    await runner.start();
    const waiting = runner.waitFor(events[0].position);

    await runner.stop();

    await expect(waiting).rejects.toThrow(/stopped/);
    expect(log.stopped).toBe(true);
    expect(runner.status()).toMatchObject({ running: false, caughtUp: false });
  });
});
