import { processHolderId, SqlLeaseStore, type LeaseStore } from '@app/event-store';
import {
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Kysely } from 'kysely';
import { APP_CONFIG, type AppConfig } from '../app-config';
import { STORAGE } from '../storage/storage.module';
import type { Storage } from '../storage/open-storage';
import { TRANSPARENCY, type TransparencyLedger } from '../transparency/transparency-ledger';
import { SqlFindingsStore, type IntegrityTables, type StoredFinding } from './findings.store';
import { describeFinding, type IntegrityCheck } from './integrity-finding';
import { LedgerWalk, type LedgerVerifier } from './ledger-verifier';
import { ledgerVerifierOf } from './rebuild-verification';

/** Findings read at each refresh to name each affected JV's first one. */
const LISTED_FINDINGS = 1000;

/** The monitor's lease key: one process verifies at a time. */
export const INTEGRITY_MONITOR = 'IntegrityMonitor';

export type IntegrityStatus = Readonly<{
  /** `alarm` as soon as anything was found; `pending` before the first look at the findings. */
  state: 'ok' | 'alarm' | 'pending';
  /** The first broken item, in the order the walk met them. */
  first?: StoredFinding;
  findings: number;
  byCheck: Partial<Record<IntegrityCheck, number>>;
  /** The last run of this process, when it verifies. */
  lastRun?: Readonly<{ at: string; full: boolean; events: number; seconds: number }>;
}>;

/** The JV has an integrity finding: nothing is appended on top of a broken history. */
export class IntegrityAlarmError extends Error {
  constructor(
    readonly jointVentureId: string,
    readonly finding: StoredFinding | undefined,
  ) {
    super(
      `joint venture ${jointVentureId} is under an integrity alarm${finding ? ` (${describeFinding(finding)})` : ''}: nothing is recorded on it until an operator has restored its history`,
    );
    this.name = 'IntegrityAlarmError';
  }
}

/**
 * The server's alarm (issue 9 §7). In a process that verifies (where the consumers run), every
 * VERIFY_INTERVAL_S the holder of the `IntegrityMonitor` lease continues its walk of the ledger
 * over what was appended since, and starts again from the first event every
 * VERIFY_FULL_INTERVAL_S (an edit of an old event shows then); what it finds goes to the
 * `integrity_findings` table. Every process, verifying or not, reads that table at the same
 * pace, so health, metrics and the refusal of commands on an affected JV agree across replicas.
 */
export class IntegrityMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('IntegrityMonitor');
  private readonly findings: SqlFindingsStore;
  private readonly leases: LeaseStore;
  private readonly verifier: LedgerVerifier;
  private readonly holder = processHolderId();
  private walk: LedgerWalk | undefined;
  private lastFullAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private current: IntegrityStatus = { state: 'pending', findings: 0, byCheck: {} };
  private affected = new Map<string, StoredFinding | undefined>();

  constructor(
    private readonly config: AppConfig,
    storage: Storage,
    transparency: TransparencyLedger,
    private readonly verifies: boolean,
  ) {
    this.findings = new SqlFindingsStore(storage.readModels as unknown as Kysely<IntegrityTables>);
    this.leases = new SqlLeaseStore(storage.readModels);
    this.verifier = ledgerVerifierOf(storage.events, transparency);
  }

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  status(): IntegrityStatus {
    return this.current;
  }

  /** Throws `IntegrityAlarmError` when the JV has a finding. */
  assertNotAffected(jointVentureId: string): void {
    if (this.affected.has(jointVentureId))
      throw new IntegrityAlarmError(jointVentureId, this.affected.get(jointVentureId));
  }

  /** One verification (when this process verifies and holds the lease) and a refresh. */
  async tick(): Promise<void> {
    if (this.verifies) {
      const ttlMs = Math.max(this.config.LEASE_TTL_MS, 3 * this.config.VERIFY_INTERVAL_S * 1000);
      const lease = await this.leases
        .acquire(INTEGRITY_MONITOR, this.holder, ttlMs)
        .catch(() => undefined);
      if (lease) await this.verify();
      // Another process verifies; if this one gets the lease back, it starts from the first event.
      else this.walk = undefined;
    }
    await this.refresh();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch((error: unknown) => this.logger.warn(`integrity check failed: ${String(error)}`))
        .finally(() => this.schedule(this.config.VERIFY_INTERVAL_S * 1000));
    }, delayMs);
    this.timer.unref();
  }

  private async verify(): Promise<void> {
    const startedAt = new Date();
    const full =
      this.walk === undefined ||
      startedAt.getTime() - this.lastFullAt >= this.config.VERIFY_FULL_INTERVAL_S * 1000;
    const walk = full ? new LedgerWalk() : this.walk!;
    const known = walk.findings.length;
    const eventsBefore = walk.events;
    try {
      await this.verifier.advance(walk);
    } catch (error) {
      // Stopped mid-page (the store went away): the next run starts again from the first event.
      this.walk = undefined;
      throw error;
    }
    const seenAt = startedAt.toISOString();
    await this.findings.record(full ? walk.findings : walk.findings.slice(known), seenAt);
    if (full) {
      await this.findings.forgetNotSeenSince(seenAt);
      this.lastFullAt = startedAt.getTime();
    }
    this.walk = walk;
    this.current = {
      ...this.current,
      lastRun: {
        at: seenAt,
        full,
        events: walk.events - eventsBefore,
        seconds: (Date.now() - startedAt.getTime()) / 1000,
      },
    };
  }

  private async refresh(): Promise<void> {
    const listed = await this.findings.list(LISTED_FINDINGS);
    const [first] = listed;
    const byCheck = await this.findings.countsByCheck();
    const affected = await this.findings.affectedJointVentures();
    const findings = Object.values(byCheck).reduce((sum, n) => sum + (n ?? 0), 0);
    if (first && this.current.first?.message !== first.message)
      this.logger.error(`INTEGRITY ALARM: ${describeFinding(first)} (${findings} finding(s))`);
    // Each affected JV with its first finding, for the 409 (beyond the listed ones, without).
    this.affected = new Map(affected.map((id) => [id, undefined]));
    for (const finding of [...listed].reverse())
      if (finding.jointVentureId) this.affected.set(finding.jointVentureId, finding);
    this.current = { ...this.current, state: first ? 'alarm' : 'ok', first, findings, byCheck };
  }
}

/**
 * The integrity monitor of a process: `verifies` where the consumers run (the embedded API, the
 * projector); elsewhere (API replicas) it only reads the findings.
 */
@Module({})
export class IntegrityModule {
  static forRoot(options: Readonly<{ verifies: boolean }>): DynamicModule {
    return {
      module: IntegrityModule,
      providers: [
        {
          provide: IntegrityMonitor,
          inject: [APP_CONFIG, STORAGE, TRANSPARENCY],
          useFactory: (config: AppConfig, storage: Storage, transparency: TransparencyLedger) =>
            new IntegrityMonitor(config, storage, transparency, options.verifies),
        },
      ],
      exports: [IntegrityMonitor],
    };
  }
}
