import { DEFAULT_APPROVAL_RULES, DEFAULT_PROPOSAL_TTL_MS, type Actor } from '@app/domain';
import {
  createSqliteKysely,
  InMemoryEventStore,
  openSqlite,
  WrongExpectedRevisionError,
  type EventStore,
} from '@app/event-store';
import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { LedgerMetrics } from '../metrics/metrics';
import {
  ConcurrencyConflictError,
  IdempotencyKeyInProgressError,
  NameTakenError,
} from '../problem/application-errors';
import { migrateCommandSide, type CommandSideTables } from '@app/runtime';
import { SqlIdempotencyStore } from './command-side/idempotency.store';
import { SqlNameRegistry } from './command-side/name-registry';
import { ExecuteCommand, type CommandConditions, type SubmittedCommand } from './execute-command';
import { ExecuteCommandHandler } from './execute-command.handler';
import { JointVentureRepository } from './joint-venture.repository';

const ALICE: Actor = { subject: 'alice', role: 'program-manager', memberState: 'RU' };
const JV = '6a1f0c2e-9a57-4b1f-8e6d-413c9a1f527d';

type Unaddressed = Omit<SubmittedCommand, 'jointVentureId'>;

const establish = {
  type: 'EstablishJointVenture',
  data: {
    name: 'Unit JV',
    decision: { reference: 'IMEC-1/1', date: '2024-01-01' },
    purposes: ['production', 'disposal'],
    partners: [
      { enterpriseCode: 'RU-A', name: 'A', memberState: 'RU', shareBasisPoints: 6000 },
      { enterpriseCode: 'BY-B', name: 'B', memberState: 'BY', shareBasisPoints: 4000 },
    ],
    productLines: [{ productCode: 'P-1', name: 'Product' }],
  },
} as const satisfies Unaddressed;

/** The bus message for `command` on the JV `jointVentureId` (default JV), as a controller sends it. */
const request = (
  command: Unaddressed,
  conditions: CommandConditions = {},
  jointVentureId = JV,
): ExecuteCommand =>
  new ExecuteCommand(
    { ...command, jointVentureId } as SubmittedCommand,
    { actor: ALICE, correlationId: 'c-1', causationId: 'r-1' },
    conditions,
  );

/** A store that fails the way a crashed or partitioned writer looks to the caller. */
class FlakyStore extends InMemoryEventStore {
  failNextAppend?: 'before-write' | 'after-write';

  override async appendToStream(...args: Parameters<EventStore['appendToStream']>) {
    const failure = this.failNextAppend;
    this.failNextAppend = undefined;
    if (failure === 'before-write') throw new Error('connection reset before the write');
    const result = await super.appendToStream(...args);
    if (failure === 'after-write') throw new Error('connection reset after the write');
    return result;
  }
}

describe('ExecuteCommandHandler', () => {
  let connection: Database.Database;
  let db: Kysely<CommandSideTables>;
  let store: FlakyStore;

  const service = (
    options: {
      cacheSize?: number;
      retries?: number;
      leaseMs?: number;
      on?: EventStore;
      approvals?: boolean;
    } = {},
  ) =>
    new ExecuteCommandHandler(
      new JointVentureRepository(options.on ?? store, options.cacheSize ?? 100),
      new SqlIdempotencyStore(db, options.leaseMs ?? 0),
      new SqlNameRegistry(db, options.leaseMs ?? 0),
      new LedgerMetrics(),
      {
        conflictRetries: options.retries ?? 3,
        ...(options.approvals
          ? { approvals: { rules: DEFAULT_APPROVAL_RULES, ttlMs: DEFAULT_PROPOSAL_TTL_MS } }
          : {}),
      },
    );

  beforeEach(async () => {
    connection = openSqlite(':memory:');
    db = createSqliteKysely<CommandSideTables>(connection);
    await migrateCommandSide(db);
    store = new FlakyStore();
  });
  afterEach(async () => {
    await db.destroy();
    connection.close();
    await store.close();
  });

  const streamLength = async () => (await store.readStream(`joint-venture-${JV}`)).length;

  it('answers a keyed retry after a crash that followed the append, without appending again', async () => {
    const commands = service();
    store.failNextAppend = 'after-write';
    await expect(commands.execute(request(establish, { idempotencyKey: 'k-1' }))).rejects.toThrow(
      'after the write',
    );
    expect(await streamLength()).toBe(1);

    await expect(commands.execute(request(establish, { idempotencyKey: 'k-1' }))).resolves.toEqual({
      id: JV,
      version: 0,
    });
    expect(await streamLength()).toBe(1);
  });

  it('appends a keyed retry once when the crash came before the append', async () => {
    const commands = service();
    store.failNextAppend = 'before-write';
    await expect(commands.execute(request(establish, { idempotencyKey: 'k-2' }))).rejects.toThrow(
      'before the write',
    );
    expect(await streamLength()).toBe(0);

    await expect(commands.execute(request(establish, { idempotencyKey: 'k-2' }))).resolves.toEqual({
      id: JV,
      version: 0,
    });
    expect(await streamLength()).toBe(1);
  });

  it('tells a keyed retry that is still within the lease that the first attempt is running', async () => {
    store.failNextAppend = 'after-write';
    const commands = service({ leaseMs: 60_000 });
    await expect(commands.execute(request(establish, { idempotencyKey: 'k-3' }))).rejects.toThrow(
      'after the write',
    );
    const retry = commands.execute(request(establish, { idempotencyKey: 'k-3' }));
    await expect(retry).rejects.toThrow('still in progress');
    // ...and when to retry: what is left of the 60 s lease, in whole seconds (Retry-After).
    const { retryAfterSeconds } = (await retry.catch(
      (error) => error,
    )) as IdempotencyKeyInProgressError;
    expect(retryAfterSeconds).toBeGreaterThan(0);
    expect(retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('gives up with a conflict after the bounded number of re-decisions', async () => {
    await service().execute(request(establish));
    let attempts = 0;
    const alwaysBehind = new (class extends InMemoryEventStore {
      override async appendToStream(streamId: string): Promise<never> {
        attempts += 1;
        throw new WrongExpectedRevisionError(streamId, 0, 1);
      }
    })();
    const readsFromStore = Object.assign(alwaysBehind, {
      readStream: store.readStream.bind(store),
    });
    const commands = service({ on: readsFromStore, retries: 2 });
    await expect(
      commands.execute(request({ type: 'StartProduction', data: {} })),
    ).rejects.toBeInstanceOf(ConcurrencyConflictError);
    expect(attempts).toBe(3);
  });

  it('decides on what another writer appended, even with a cached state', async () => {
    const first = service();
    const second = service();
    await first.execute(request(establish));
    await first.execute(request({ type: 'StartProduction', data: {} }));
    await second.execute(
      request({
        type: 'RecordBatch',
        data: { productCode: 'P-1', quantity: 5, batchReference: 'B', producedOn: '2025-01-01' },
      }),
    );
    // The first service's cache is one event behind: it must still see the 5 units in service.
    await expect(first.execute(request({ type: 'StartDisposal', data: {} }))).resolves.toEqual({
      id: JV,
      version: 3,
    });
    await expect(
      first.execute(
        request({
          type: 'RecordDisposalLot',
          data: { productCode: 'P-1', quantity: 5, method: 'scrap' },
        }),
      ),
    ).resolves.toEqual({ id: JV, version: 4 });
  });

  it('takes over a name whose reservation was left by a crash before the append', async () => {
    // Reserved a minute ago, past the 30 s lease: no establishment is still on its way.
    const names = new SqlNameRegistry(db, 30_000, () => new Date(Date.now() - 60_000));
    await names.reserve('Unit JV', 'e0d5a7f2-0000-4000-8000-000000000001', async () => 'active');
    // The holder never got recorded: its stream does not exist, so the name is free.
    const otherHolder = await service({ leaseMs: 30_000 }).execute(request(establish));
    expect(otherHolder).toEqual({ id: JV, version: 0 });

    const rival = request(establish, {}, 'b9c1e0a4-1111-4111-8111-111111111111');
    await expect(service().execute(rival)).rejects.toBeInstanceOf(NameTakenError);
  });

  it('appends the change in the same append as the last approval, decided against the JV then', async () => {
    const commands = service({ approvals: true });
    await commands.execute(request(establish));
    const proposal = await commands.execute(
      request({ type: 'DissolveJointVenture', data: { reason: 'cancelled' } }),
    );
    expect(proposal).toMatchObject({ version: 1, status: 'pending', awaiting: ['BY'] });
    const appends = jest.spyOn(store, 'appendToStream');
    const approval = new ExecuteCommand(
      { type: 'ApproveProposal', jointVentureId: JV, data: { proposalId: proposal.proposalId! } },
      { actor: { ...ALICE, subject: 'boris', memberState: 'BY' }, correlationId: 'c-2' },
    );
    await expect(commands.execute(approval)).resolves.toMatchObject({
      version: 3,
      status: 'applied',
    });
    expect(appends).toHaveBeenCalledTimes(1);
    expect(appends.mock.calls[0][1].map((event) => event.type)).toEqual([
      'ChangeApproved',
      'JointVentureDissolved',
    ]);
  });
});
