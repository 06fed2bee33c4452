/**
 * The floor reference of `npm run bench:http`: the least a "record a production batch" command
 * needs, on the ledger's own stack without the ledger (no NestJS, no CQRS, no projections). A
 * bearer check (jose, HS256, issuer and audience), Fastify's built-in JSON-schema validation, an
 * optimistic revision check, a SHA-256 per event chained to the previous one, and a grouped
 * append: the appends that arrive in one event-loop turn commit in one BEGIN IMMEDIATE
 * transaction, at synchronous=FULL unless SQLITE_SYNCHRONOUS says otherwise, so one fsync per
 * group, and nobody is answered before it. It deliberately shares no code with the event store
 * it is the reference for. Run as a process of its own; configured like the API (PORT, HOST,
 * DATA_DIR, JWT_SECRET, SQLITE_SYNCHRONOUS).
 */
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { jwtVerify } from 'jose';
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';

const env = process.env;
const key = new TextEncoder().encode(env.JWT_SECRET ?? '');
const issuer = env.JWT_ISSUER ?? 'jv-ledger';
const audience = env.JWT_AUDIENCE ?? 'jv-ledger-api';
if (key.length < 32) throw new Error('JWT_SECRET must hold at least 32 characters');

const db = new Database(join(env.DATA_DIR ?? '.', 'floor.db'));
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${env.SQLITE_SYNCHRONOUS ?? 'FULL'}`);
db.exec(`CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE,
  stream_id TEXT NOT NULL, revision INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL,
  metadata TEXT NOT NULL, committed_at TEXT NOT NULL, UNIQUE (stream_id, revision))`);
const lastRevision = db.prepare<[string], { revision: number | null }>(
  'SELECT max(revision) AS revision FROM events WHERE stream_id = ?',
);
const insert = db.prepare(
  `INSERT INTO events (event_id, stream_id, revision, type, data, metadata, committed_at)
   VALUES (?, ?, ?, ?, ?, ?, ?)`,
);

type Head = { revision: number; hash: string };
type Pending = {
  streamId: string;
  expected: number | undefined;
  type: string;
  data: unknown;
  actor: string;
  done: (error: Error | undefined, head?: Head) => void;
};

/** The last revision and hash per stream, as the ledger's state cache keeps them. */
const heads = new Map<string, Head>();
let group: Pending[] = [];

class Conflict extends Error {}

// One transaction per group, a savepoint per append: a conflict fails only its own append.
const appendOne = db.transaction((p: Pending): Head => {
  const actual = lastRevision.get(p.streamId)?.revision ?? undefined;
  if (actual !== p.expected) throw new Conflict(`expected ${p.expected}, actual ${actual}`);
  const revision = actual === undefined ? 0 : actual + 1;
  const prevHash = heads.get(p.streamId)?.hash ?? null;
  const metadata = { actor: p.actor, recordedAt: new Date().toISOString(), prevHash };
  const id = randomUUID();
  const hash = createHash('sha256')
    .update(
      JSON.stringify({ id, streamId: p.streamId, revision, type: p.type, data: p.data, metadata }),
    )
    .digest('hex');
  insert.run(
    id,
    p.streamId,
    revision,
    p.type,
    JSON.stringify(p.data),
    JSON.stringify({ ...metadata, hash }),
    metadata.recordedAt,
  );
  return { revision, hash };
});
const commitGroup = db.transaction((pending: Pending[]) =>
  pending.map((p) => {
    try {
      return { head: appendOne(p) };
    } catch (error) {
      return { error: error as Error };
    }
  }),
);

function flush(): void {
  const pending = group;
  group = [];
  const outcomes = commitGroup.immediate(pending);
  outcomes.forEach((outcome, i) => {
    if (outcome.head) heads.set(pending[i].streamId, outcome.head);
    else heads.delete(pending[i].streamId);
    pending[i].done(outcome.error, outcome.head);
  });
}

function append(p: Omit<Pending, 'done'>): Promise<Head> {
  return new Promise((resolve, reject) => {
    if (group.length === 0) setImmediate(flush);
    group.push({ ...p, done: (error, head) => (error ? reject(error) : resolve(head!)) });
  });
}

/** Decide-and-append with the revision it read, re-read on a conflict (a bounded number of times). */
async function record(streamId: string, type: string, data: unknown, actor: string) {
  for (let attempt = 0; ; attempt++) {
    const expected =
      heads.get(streamId)?.revision ?? lastRevision.get(streamId)?.revision ?? undefined;
    try {
      return await append({ streamId, expected, type, data, actor });
    } catch (error) {
      if (!(error instanceof Conflict) || attempt >= 5) throw error;
    }
  }
}

const app = Fastify({ bodyLimit: 1024 * 1024 });
app.addHook('onRequest', async (request, reply) => {
  if (request.url === '/health') return;
  const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  try {
    const { payload } = await jwtVerify(token ?? '', key, {
      algorithms: ['HS256'],
      issuer,
      audience,
    });
    (request as unknown as { subject?: string }).subject = String(payload.sub);
  } catch {
    return reply.code(401).send({ title: 'unauthorized' });
  }
});
app.get('/health', async () => ({ status: 'ok' }));

const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength });
const idParams = {
  type: 'object',
  properties: { id: { type: 'string', format: 'uuid' } },
  required: ['id'],
};
app.post(
  '/joint-ventures',
  { schema: { body: { type: 'object', properties: { name: text(200) }, required: ['name'] } } },
  async (request, reply) => {
    const id = randomUUID();
    const head = await record(
      `joint-venture-${id}`,
      'JointVentureEstablished',
      request.body,
      (request as unknown as { subject?: string }).subject ?? '',
    );
    return reply.code(201).send({ id, version: head.revision });
  },
);
app.post<{ Params: { id: string } }>(
  '/joint-ventures/:id/production/start',
  { schema: { params: idParams } },
  async (request) => {
    const head = await record(
      `joint-venture-${request.params.id}`,
      'ProductionStarted',
      {},
      (request as unknown as { subject?: string }).subject ?? '',
    );
    return { id: request.params.id, version: head.revision };
  },
);
app.post<{ Params: { id: string } }>(
  '/joint-ventures/:id/production/batches',
  {
    schema: {
      params: idParams,
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['productCode', 'quantity', 'batchReference', 'producedOn'],
        properties: {
          productCode: { type: 'string', pattern: '^[A-Z0-9][A-Z0-9-]{0,39}$' },
          quantity: { type: 'integer', minimum: 1, maximum: 1_000_000 },
          batchReference: text(60),
          producedOn: { type: 'string', format: 'date' },
          reason: text(500),
        },
      },
    },
  },
  async (request, reply) => {
    const streamId = `joint-venture-${request.params.id}`;
    if (!heads.has(streamId) && lastRevision.get(streamId)?.revision == null)
      return reply.code(404).send({ title: 'not found' });
    const head = await record(
      streamId,
      'BatchProduced',
      request.body,
      (request as unknown as { subject?: string }).subject ?? '',
    );
    return { id: request.params.id, version: head.revision };
  },
);

app
  .listen({ port: Number(env.PORT ?? 3000), host: env.HOST ?? '127.0.0.1' })
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
process.once('SIGTERM', () => void app.close().then(() => db.close()));
