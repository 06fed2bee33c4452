/**
 * The SQLite adapter's writer thread: its own connection to the store's file, committing the
 * appends it receives in groups (`AppendQueue`, `createGroupCommit`), so that the commit and its
 * fsync block this thread, never the caller's event loop. Each group is answered with one message,
 * sent only after its commit returned.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AppendQueue } from './append-queue';
import { createGroupCommit, type AppendRequest } from './group-commit';
import { openSqlite } from './open-sqlite';
import {
  serializeError,
  type WriterData,
  type WriterOutcome,
  type WriterReply,
  type WriterRequest,
} from './writer-protocol';

type Item = Readonly<{ id: number; request: AppendRequest }>;

function run(port: NonNullable<typeof parentPort>, { file, synchronous, lockWaitMs }: WriterData) {
  // No busy timeout: a held lock is waited for by the queue's asynchronous backoff, as on the
  // caller's thread, so both writers keep `lockWaitMs` the same way.
  const db = openSqlite(file, { synchronous, busyTimeoutMs: 0 });
  const commitGroup = createGroupCommit(db);
  const reply = (message: WriterReply) => port.postMessage(message);

  const queue = new AppendQueue<Item>(
    {
      commit: (items) => {
        const outcomes = commitGroup(items.map((item) => item.request));
        reply({
          committed: outcomes.some((outcome) => outcome.ok),
          outcomes: outcomes.map((outcome, i): WriterOutcome =>
            outcome.ok
              ? { id: items[i].id, ok: true, result: outcome.result }
              : { id: items[i].id, ok: false, error: serializeError(outcome.error) },
          ),
        });
      },
      fail: (items, error) =>
        reply({
          committed: false,
          outcomes: items.map((item) => ({ id: item.id, ok: false, error: serializeError(error) })),
        }),
    },
    lockWaitMs,
  );

  port.on('message', (message: WriterRequest) => {
    if ('close' in message) {
      // Messages arrive in order: every append sent before the close is queued already.
      queue.whenIdle(() => {
        db.close();
        port.close();
      });
      return;
    }
    let request: AppendRequest;
    try {
      request = JSON.parse(message.request) as AppendRequest;
    } catch (error) {
      reply({
        committed: false,
        outcomes: [{ id: message.id, ok: false, error: serializeError(error) }],
      });
      return;
    }
    queue.push({ id: message.id, request });
  });
}

if (parentPort) run(parentPort, workerData as WriterData);
