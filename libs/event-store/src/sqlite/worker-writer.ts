import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AppendResult } from '../event-store.port';
import type { AppendRequest } from './group-commit';
import {
  deserializeError,
  type WriterData,
  type WriterReply,
  type WriterRequest,
} from './writer-protocol';

type Pending = Readonly<{
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}>;

/**
 * The caller's side of the writer thread (`sqlite-writer.worker.ts`): sends each append as it
 * comes and settles it when the thread reports its group's commit. The thread is referenced only
 * while appends are pending, so an idle store never keeps a process alive.
 */
export class WorkerWriter {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;
  private readonly exited: Promise<void>;

  constructor(data: WriterData, onCommitted: () => void) {
    this.worker = startWorker(data);
    this.worker.unref();
    this.worker.on('message', (reply: WriterReply) => {
      for (const outcome of reply.outcomes) {
        const pending = this.pending.get(outcome.id);
        this.pending.delete(outcome.id);
        if (outcome.ok) pending?.resolve(outcome.result);
        else pending?.reject(deserializeError(outcome.error));
      }
      if (this.pending.size === 0) this.worker.unref();
      if (reply.committed) onCommitted();
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', () => {
        this.failAll(new Error('the SQLite writer thread has stopped'));
        resolve();
      }),
    );
  }

  append(request: AppendRequest): Promise<AppendResult> {
    if (this.failure) return Promise.reject(this.failure);
    // Serialising here, on the caller's thread, refuses a payload JSON cannot hold (a bigint, a
    // cycle) with the TypeError the port promises, before anything is sent.
    let message: WriterRequest;
    try {
      message = { id: this.nextId++, request: JSON.stringify(request) };
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(message.id, { resolve, reject });
      this.worker.postMessage(message);
    });
  }

  /** Waits for the appends already sent, then closes the thread's connection. */
  async close(): Promise<void> {
    if (!this.failure) {
      this.worker.ref();
      this.worker.postMessage({ close: true } satisfies WriterRequest);
    }
    await this.exited;
  }

  private failAll(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

/**
 * Starts the writer thread from the sibling file: compiled JavaScript in a build; from the
 * TypeScript source (jest, ts-node) the thread registers ts-node first, as jest's transform does
 * not reach worker threads.
 */
function startWorker(workerData: WriterData): Worker {
  const extension = extname(__filename);
  const file = join(__dirname, `sqlite-writer.worker${extension}`);
  if (extension !== '.ts') return new Worker(file, { workerData });
  const bootstrap = `require('ts-node').register({ transpileOnly: true });
    require(${JSON.stringify(file)});`;
  return new Worker(bootstrap, { eval: true, workerData });
}
