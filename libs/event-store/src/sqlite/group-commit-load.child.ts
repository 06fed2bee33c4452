/**
 * Test support for the group-commit crash test: a process that appends as fast as it can, from
 * many concurrent writers, some of them racing on shared streams (so groups hold conflicts too),
 * and prints one line per acknowledged append: `ack <streamId> <first revision> <event ids...>`.
 * The spec SIGKILLs it while groups are committing. Settings come as JSON in argv[2].
 */
import { WrongExpectedRevisionError } from '../errors';
import { newEvents } from '../contract/fixtures';
import { openSqlite } from './open-sqlite';
import { SqliteEventStore } from './sqlite.event-store';

export type GroupCommitLoad = Readonly<{
  file: string;
  writers: number;
  /** Writers share `sharedStreams` streams; the others write to a stream each. */
  sharedStreams: number;
  eventsPerAppend: number;
  /** The load stops by itself (exit code 2) after this long, should the kill never come. */
  limitMs: number;
}>;

async function main({ file, writers, sharedStreams, eventsPerAppend, limitMs }: GroupCommitLoad) {
  setTimeout(() => process.exit(2), limitMs).unref();
  const store = new SqliteEventStore(openSqlite(file, { busyTimeoutMs: 0 }));
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const write = async (index: number) => {
    const streamId = index < sharedStreams * 4 ? `shared-${index % sharedStreams}` : `own-${index}`;
    for (;;) {
      const [last] = await store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
      const events = newEvents(eventsPerAppend, 'Loaded');
      try {
        const expectedRevision = last === undefined ? 'no_stream' : last.revision;
        const { nextExpectedRevision } = await store.appendToStream(streamId, events, {
          expectedRevision,
        });
        const first = nextExpectedRevision - eventsPerAppend + 1;
        out(`ack ${streamId} ${first} ${events.map((event) => event.id).join(' ')}`);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
      }
    }
  };
  out('ready');
  await Promise.all(Array.from({ length: writers }, (_, index) => write(index)));
}

main(JSON.parse(process.argv[2]) as GroupCommitLoad).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
