import type { EventReader } from '@app/event-store';
import type { RebuildVerification } from '@app/read-models';
import type { TransparencyLedger } from '../transparency/transparency-ledger';
import { describeFinding, type IntegrityFinding } from './integrity-finding';
import { LedgerVerifier } from './ledger-verifier';

/** The verifier of this ledger: its events, its transparency log and the keys it trusts. */
export function ledgerVerifierOf(events: EventReader, ledger: TransparencyLedger): LedgerVerifier {
  return new LedgerVerifier({
    events,
    transparency: { log: ledger.log, trustedKeys: () => ledger.keys.trusted() },
  });
}

/** A rebuild met tampered events: it stopped there, and built nothing from them. */
export class TamperingFoundError extends Error {
  constructor(readonly finding: IntegrityFinding) {
    super(`stopped at tampering: ${describeFinding(finding)}`);
    this.name = 'TamperingFoundError';
  }
}

/**
 * What `rebuildProjections` runs on every page it replays (issue 9 §7): the same checks as the
 * integrity monitor, in the same order; the first finding stops the rebuild.
 */
export async function rebuildVerification(verifier: LedgerVerifier): Promise<RebuildVerification> {
  const session = await verifier.begin();
  const stopAt = (found: readonly IntegrityFinding[]) => {
    if (found.length > 0) throw new TamperingFoundError(found[0]);
  };
  return {
    page: async (events) => stopAt(await session.page(events)),
    end: async () => stopAt(await session.end()),
  };
}
