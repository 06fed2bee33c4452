import { jointVentureStreamId } from '@app/domain';
import {
  describeFinding,
  ledgerVerifierOf,
  loadConfig,
  openStorage,
  progress,
  TransparencyLedger,
  type LedgerWalk,
} from '@app/runtime';
import { parseArgs } from 'node:util';
import { UsageError } from '../usage-error';
import type { CliCommand } from './command';

export const verifyCommand: CliCommand = {
  name: 'verify',
  usage: `verify --all | verify <jvId>
      re-checks the ledger from the event store: every event's hash and link, every
      transparency-log leaf against its event, every stored checkpoint's signature and root;
      a progress bar on a terminal, one JSON summary line otherwise; exit 0 only when
      everything holds, else 1 and the first finding on stderr`,
  run: verify,
};

async function verify(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { all: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  if (values.all === positionals.length > 0)
    throw new UsageError('give either --all or one joint venture id');
  const config = loadConfig();
  const storage = await openStorage(config);
  try {
    const transparency = TransparencyLedger.open(config, storage);
    const verifier = ledgerVerifierOf(storage.events, transparency);
    // The log's size counts the JV events it has taken in: the total, give or take its lag.
    const { size } = await transparency.log.state();
    const bar = progress({ operation: 'verify', total: size, unit: 'events' });
    let walk: LedgerWalk;
    if (values.all)
      walk = await verifier.verifyAll((done) => bar.update(done, Math.max(done, size)));
    else walk = await verifier.verifyStream(jointVentureStreamId(positionals[0]));
    bar.update(walk.events, walk.events);
    const [first] = walk.findings;
    bar.finish({
      valid: first === undefined,
      findings: walk.findings.length + walk.dropped,
      checkpoints: walk.checkpoints,
      ...(first && { first }),
    });
    if (first) {
      process.stderr.write(`INVALID: ${describeFinding(first)}\n`);
      process.exitCode = 1;
    }
  } finally {
    await storage.close();
  }
}
