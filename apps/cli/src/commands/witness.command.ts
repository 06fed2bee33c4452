import { DEFAULT_CHECKPOINT_TOPIC } from '@app/notifications';
import { kafkaSettingsOf, loadConfig } from '@app/runtime';
import { parseKeyList, readKeyList, type TrustedKey } from '@app/transparency';
import { parseArgs } from 'node:util';
import { CommandFailure, UsageError } from '../usage-error';
import { CannotCheckError, Witness, type WitnessOutcome } from '../witness/witness';
import {
  consumeCheckpoints,
  ledgerProofs,
  pollLedger,
  type LedgerApi,
  type SourceEnd,
} from '../witness/witness-sources';
import { WitnessState } from '../witness/witness-state';
import type { CliCommand } from './command';

/** Exit code of a refused checkpoint: the log did not only grow, or is not signed by a trusted key. */
export const WITNESS_REFUSED_EXIT_CODE = 3;

export const witnessCommand: CliCommand = {
  name: 'witness',
  usage: `witness --state-dir <dir> --trusted-key <verifier key> [--trusted-key ...] [--key-list <file>]
          (--kafka-brokers <host:port,...> [--topic ${DEFAULT_CHECKPOINT_TOPIC}] [--group jv-witness]
           | --ledger-url <url> [--token <t>] [--interval 30]) [--origin <origin>] [--once]
      keeps the ledger's signed checkpoints and accepts each new one only if it extends the one
      kept (RFC 9162 consistency proof); with --kafka-brokers, proofs the messages do not carry
      are fetched from --ledger-url if given; exit 3 naming why when a checkpoint is refused`,
  run: witness,
};

async function witness(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      'state-dir': { type: 'string' },
      'trusted-key': { type: 'string', multiple: true, default: [] },
      'key-list': { type: 'string' },
      origin: { type: 'string' },
      'kafka-brokers': { type: 'string' },
      topic: { type: 'string', default: DEFAULT_CHECKPOINT_TOPIC },
      group: { type: 'string', default: 'jv-witness' },
      'ledger-url': { type: 'string' },
      token: { type: 'string' },
      interval: { type: 'string', default: '30' },
      once: { type: 'boolean', default: false },
    },
  });
  const stateDir = values['state-dir'];
  if (!stateDir) throw new UsageError('--state-dir is required');
  const trustedKeys = trustedKeysOf(values['trusted-key'] ?? [], values['key-list']);
  const origin = values.origin ?? trustedKeys[0].key.name;
  const brokers = values['kafka-brokers']?.split(',').map((broker) => broker.trim());
  const api: LedgerApi | undefined = values['ledger-url']
    ? { url: values['ledger-url'], token: values.token }
    : undefined;
  if (!brokers && !api) throw new UsageError('give --kafka-brokers or --ledger-url');
  const intervalS = Number(values.interval);
  if (!Number.isFinite(intervalS) || intervalS <= 0)
    throw new UsageError('--interval must be a number of seconds');

  const witness = new Witness({
    origin,
    trustedKeys,
    state: new WitnessState(stateDir),
    proofs: api && ledgerProofs(api),
  });
  const report = (outcome: WitnessOutcome) => {
    if (outcome.kind === 'accepted')
      console.log(
        `accepted ${origin} size ${outcome.size} root ${outcome.root}` +
          (outcome.fromSize === undefined
            ? ' (first checkpoint kept)'
            : ` (extends ${outcome.fromSize})`),
      );
    return outcome;
  };
  let stopped = false;
  const stop = new Promise<void>((resolve) =>
    process.once('SIGTERM', resolve).once('SIGINT', resolve),
  ).then(() => void (stopped = true));

  let end: SourceEnd;
  try {
    end = brokers
      ? await consumeCheckpoints(
          {
            settings: {
              ...kafkaSettingsOf(loadConfig(), undefined),
              brokers,
              clientId: 'jv-witness',
            },
            topic: values.topic ?? DEFAULT_CHECKPOINT_TOPIC,
            groupId: values.group ?? 'jv-witness',
          },
          async (offered) => report(await witness.offer(offered)),
          { once: values.once ?? false, stopped: stop },
        )
      : await pollLedger(api!, async (offered) => report(await witness.offer(offered)), {
          once: values.once ?? false,
          intervalMs: intervalS * 1000,
          stopped: () => stopped,
        });
  } catch (error) {
    if (error instanceof CannotCheckError)
      throw new CommandFailure(`cannot check: ${error.message}`, 1);
    throw error;
  }
  if (end.refused)
    throw new CommandFailure(
      `REFUSED (${end.refused.reason}): ${end.refused.message}; the checkpoint is kept in ` +
        `${end.refused.evidence}, the last accepted one stays in ${stateDir}`,
      WITNESS_REFUSED_EXIT_CODE,
    );
  const kept = witness.kept();
  console.log(
    kept ? `keeping ${kept.split('\n').slice(0, 2).join(' size ')}` : 'no checkpoint yet',
  );
}

/** `--trusted-key` values (no validity bounds) and the entries of a `--key-list` file. */
function trustedKeysOf(keys: readonly string[], keyList: string | undefined): TrustedKey[] {
  let trusted: TrustedKey[];
  try {
    trusted = [
      ...parseKeyList(keys.map((verifierKey) => ({ verifierKey }))),
      ...(keyList ? readKeyList(keyList) : []),
    ];
  } catch (error) {
    throw new UsageError(`--trusted-key: ${(error as Error).message}`);
  }
  if (trusted.length === 0) throw new UsageError('give at least one --trusted-key or --key-list');
  return trusted;
}
