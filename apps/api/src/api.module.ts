import { EVENT_STORE, type EventStore } from '@app/event-store';
import { JointVentureQueries, PendingApprovalsQueries } from '@app/read-models';
import {
  APP_CONFIG,
  ConsumersModule,
  IntegrityModule,
  loggerModule,
  MetricsModule,
  STORAGE,
  tokenVerifierOf,
  StorageModule,
  type AppConfig,
  type CommandSideTables,
  type StateSnapshotTables,
  type Storage,
} from '@app/runtime';
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import type { Kysely } from 'kysely';
import { AuditController } from './audit/audit.controller';
import { AuditService } from './audit/audit.service';
import { AuthGuard } from './auth/auth.guard';
import { TOKEN_VERIFIER } from './auth/authentication.hook';
import { SqlIdempotencyStore } from './commands/command-side/idempotency.store';
import { SqlNameRegistry } from './commands/command-side/name-registry';
import {
  COMMAND_OPTIONS,
  ExecuteCommandHandler,
  IDEMPOTENCY_STORE,
  NAME_REGISTRY,
} from './commands/execute-command.handler';
import { JointVentureRepository } from './commands/joint-venture.repository';
import { StatePrewarm } from './commands/snapshots/state-prewarm';
import { SqlStateSnapshotStore } from './commands/snapshots/state-snapshot.store';
import { StateSnapshots } from './commands/snapshots/state-snapshots';
import { EstablishJointVentureController } from './establish/establish-joint-venture.controller';
import { InStageActionsController } from './in-stage-actions/in-stage-actions.controller';
import { CorrectionsController } from './corrections/corrections.controller';
import { WorkOrdersController } from './work-orders/work-orders.controller';
import { HealthController } from './health/health.controller';
import { LedgerMetrics, MetricsController } from './metrics/metrics';
import { LifecycleController } from './lifecycle/lifecycle.controller';
import { PartnersController } from './partners/partners.controller';
import { ProblemDetailsFilter } from './problem/problem-details.filter';
import {
  ProposalQueriesController,
  ProposalStepsController,
} from './proposals/proposals.controller';
import { QueriesController } from './queries/queries.controller';
import { TransparencyController } from './transparency/transparency.controller';
import { TransparencyService } from './transparency/transparency.service';
import { MemberStateConstraint } from './shared/validators';
import { VersionEtagInterceptor } from './shared/version-etag.interceptor';
import { AcceptedStatusInterceptor } from './shared/accepted-status';

const COMMAND_SIDE_DB = Symbol('COMMAND_SIDE_DB');

const commands: Provider[] = [
  {
    provide: COMMAND_SIDE_DB,
    inject: [STORAGE],
    // Migrated with the rest of the storage when it was opened.
    useFactory: ({ sql }: Storage) => sql.tables<CommandSideTables>(),
  },
  {
    provide: IDEMPOTENCY_STORE,
    inject: [COMMAND_SIDE_DB, APP_CONFIG],
    useFactory: (db: Kysely<CommandSideTables>, config: AppConfig) =>
      new SqlIdempotencyStore(db, config.IDEMPOTENCY_LEASE_MS),
  },
  {
    provide: NAME_REGISTRY,
    inject: [COMMAND_SIDE_DB, APP_CONFIG],
    useFactory: (db: Kysely<CommandSideTables>, config: AppConfig) =>
      new SqlNameRegistry(db, config.IDEMPOTENCY_LEASE_MS),
  },
  {
    provide: StateSnapshots,
    inject: [STORAGE, APP_CONFIG, LedgerMetrics],
    useFactory: ({ sql }: Storage, config: AppConfig, metrics: LedgerMetrics) =>
      new StateSnapshots(
        new SqlStateSnapshotStore(sql.tables<StateSnapshotTables>()),
        { every: config.SNAPSHOT_EVERY, keep: config.SNAPSHOT_KEEP },
        {
          loaded: (reader, source) => metrics.stateLoads.inc({ reader, source }),
          written: () => metrics.snapshotsWritten.inc(),
        },
      ),
  },
  {
    provide: JointVentureRepository,
    inject: [EVENT_STORE, APP_CONFIG, StateSnapshots],
    useFactory: (store: EventStore, config: AppConfig, snapshots: StateSnapshots) =>
      new JointVentureRepository(store, config.STATE_CACHE_SIZE, snapshots),
  },
  StatePrewarm,
  {
    provide: COMMAND_OPTIONS,
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => ({
      conflictRetries: config.COMMAND_CONFLICT_RETRIES,
      approvals: config.approvalSettings,
    }),
  },
  ExecuteCommandHandler,
];

const http: Provider[] = [
  { provide: APP_GUARD, useClass: AuthGuard },
  { provide: APP_FILTER, useClass: ProblemDetailsFilter },
  { provide: APP_INTERCEPTOR, useClass: VersionEtagInterceptor },
  { provide: APP_INTERCEPTOR, useClass: AcceptedStatusInterceptor },
  // AUTH_MODE=local: the service creates its key in DATA_DIR on first start.
  { provide: TOKEN_VERIFIER, inject: [APP_CONFIG], useFactory: tokenVerifierOf },
  MemberStateConstraint,
];

const queries: Provider[] = [
  LedgerMetrics,
  AuditService,
  TransparencyService,
  {
    provide: JointVentureQueries,
    inject: [STORAGE],
    useFactory: ({ readModels }: Storage) => new JointVentureQueries(readModels),
  },
  {
    provide: PendingApprovalsQueries,
    inject: [STORAGE],
    useFactory: ({ readModels }: Storage) => new PendingApprovalsQueries(readModels),
  },
];

/** The HTTP entry. In the embedded default it also hosts the consumers (projections, notifier). */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        loggerModule(config),
        StorageModule.forRoot(config),
        MetricsModule,
        CqrsModule.forRoot(),
        TerminusModule,
        ...(config.EMBEDDED_PROJECTOR === 'true' ? [ConsumersModule] : []),
        // Verifies where the consumers run; an API replica without them reads the findings.
        IntegrityModule.forRoot({ verifies: config.EMBEDDED_PROJECTOR === 'true' }),
      ],
      controllers: [
        EstablishJointVentureController,
        LifecycleController,
        InStageActionsController,
        WorkOrdersController,
        CorrectionsController,
        PartnersController,
        ProposalStepsController,
        ProposalQueriesController,
        QueriesController,
        AuditController,
        TransparencyController,
        HealthController,
        MetricsController,
      ],
      providers: [...commands, ...http, ...queries],
    };
  }
}
