import { SqlDeadLetterStore, type DeadLetter } from '@app/event-store';
import { loadConfig, openStorage } from '@app/runtime';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { UsageError } from '../usage-error';
import type { CliCommand } from './command';

export const deadLettersCommand: CliCommand = {
  name: 'dead-letters',
  usage: `dead-letters list [--consumer <name>]
      prints the parked events (JSON, oldest first): consumer, position, stream, status, error
  dead-letters retry <id> | --all
      asks the running consumers for another attempt at a failed letter (or every failed one);
      they take it up at their next poll, without a restart; the letters behind it follow in order
  dead-letters skip <id> --reason <why> [--by <who>]
      records that the letter does not count for its consumer (who, why, when are kept); the
      letters waiting behind it are handled next. --by defaults to the operating-system user`,
  run: deadLetters,
};

async function deadLetters(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      consumer: { type: 'string' },
      all: { type: 'boolean', default: false },
      reason: { type: 'string' },
      by: { type: 'string' },
    },
  });
  const id = positionals[0];
  if (action === 'retry' && !id === !values.all)
    throw new UsageError('dead-letters retry takes one letter id or --all');
  if (action === 'skip' && (!id || !values.reason?.trim()))
    throw new UsageError('dead-letters skip takes a letter id and --reason <why>');
  if (!['list', 'retry', 'skip'].includes(action ?? ''))
    throw new UsageError('dead-letters takes list, retry or skip');

  const storage = await openStorage(loadConfig());
  try {
    const letters = new SqlDeadLetterStore(storage.readModels);
    const out = (value: unknown): void => {
      process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    };
    if (action === 'list') return out((await letters.list(values.consumer)).map(listed));
    if (action === 'retry') {
      const requested = await letters.requestRetry(values.all ? { all: true } : { id: id! });
      if (!values.all && requested === 0) throw new UsageError(`no failed dead letter '${id}'`);
      return out({ retryRequested: requested });
    }
    const by = values.by ?? userInfo().username;
    if (!(await letters.skip(id!, by, values.reason!.trim())))
      throw new UsageError(`no failed dead letter '${id}' to skip`);
    out({ skipped: id, by, reason: values.reason!.trim() });
  } finally {
    await storage.close();
  }
}

/** A letter as an operator reads it: the event's identity, not its whole payload. */
function listed(letter: DeadLetter) {
  return {
    id: letter.id,
    consumer: letter.consumer,
    position: letter.event.position.toString(),
    stream: letter.event.streamId,
    revision: letter.event.revision,
    type: letter.event.type,
    status: letter.status,
    error: letter.error,
    attempts: letter.attempts,
    firstFailedAt: letter.firstFailedAt,
    lastFailedAt: letter.lastFailedAt,
    ...(letter.skipped ? { skipped: letter.skipped } : {}),
  };
}
