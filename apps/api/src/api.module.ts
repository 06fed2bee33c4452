import { EVENT_STORE, type EventStore } from '@app/event-store';
import type { ReadModelDb } from '@app/read-models';
import { JointVentureQueries } from '@app/read-models';
import {
  APP_CONFIG,
  NotificationsModule,
  tokenVerifierOf,
  ProjectionsModule,
  READ_MODEL_DB,
  StorageModule,
  type AppConfig,
} from '@app/runtime';
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import type { Kysely } from 'kysely';
import { LoggerModule } from 'nestjs-pino';
import { AuditController } from './audit/audit.controller';
import { AuditService } from './audit/audit.service';
import { AuthGuard } from './auth/auth.guard';
import { TOKEN_VERIFIER } from './auth/authentication.hook';
import { EstablishJointVentureController } from './establish/establish-joint-venture.controller';
import { FactsController } from './facts/facts.controller';
import { HealthController } from './health/health.controller';
import { migrateCommandSide, type CommandSideTables } from './ledger/command-side.db';
import { IdempotencyStore } from './ledger/idempotency.store';
import { JointVentureCommandService } from './ledger/joint-venture-commands.service';
import { JointVentureLedger } from './ledger/joint-venture.ledger';
import { NameRegistry } from './ledger/name-registry';
import { LedgerMetrics, MetricsController } from './metrics/metrics';
import { LifecycleController } from './lifecycle/lifecycle.controller';
import { PartnersController } from './partners/partners.controller';
import { ProblemDetailsFilter } from './problem/problem-details.filter';
import { QueriesController } from './queries/queries.controller';
import { CommandSender, RecordJointVentureFactHandler } from './shared/record-command';
import { MemberStateConstraint } from './shared/validators';
import { VersionEtagInterceptor } from './shared/version-etag.interceptor';

const COMMAND_SIDE_DB = Symbol('COMMAND_SIDE_DB');

const commandSide: Provider[] = [
  {
    provide: COMMAND_SIDE_DB,
    inject: [READ_MODEL_DB],
    useFactory: async (db: Kysely<ReadModelDb>) => {
      const commandDb = db.withTables<CommandSideTables>() as unknown as Kysely<CommandSideTables>;
      await migrateCommandSide(commandDb);
      return commandDb;
    },
  },
  {
    provide: JointVentureCommandService,
    inject: [EVENT_STORE, COMMAND_SIDE_DB, APP_CONFIG],
    useFactory: (store: EventStore, db: Kysely<CommandSideTables>, config: AppConfig) =>
      new JointVentureCommandService(
        new JointVentureLedger(store, config.STATE_CACHE_SIZE),
        new IdempotencyStore(db, config.IDEMPOTENCY_LEASE_MS),
        new NameRegistry(db),
        { conflictRetries: config.COMMAND_CONFLICT_RETRIES },
      ),
  },
  RecordJointVentureFactHandler,
  CommandSender,
];

const http: Provider[] = [
  { provide: APP_GUARD, useClass: AuthGuard },
  { provide: APP_FILTER, useClass: ProblemDetailsFilter },
  { provide: APP_INTERCEPTOR, useClass: VersionEtagInterceptor },
  // AUTH_MODE=local: the service creates its key in DATA_DIR on first start.
  { provide: TOKEN_VERIFIER, inject: [APP_CONFIG], useFactory: tokenVerifierOf },
  MemberStateConstraint,
];

const queries: Provider[] = [
  LedgerMetrics,
  AuditService,
  {
    provide: JointVentureQueries,
    inject: [READ_MODEL_DB],
    useFactory: (db: Kysely<ReadModelDb>) => new JointVentureQueries(db),
  },
];

/** The HTTP entry. In the embedded default it also hosts the projections. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.LOG_LEVEL,
            redact: ['req.headers.authorization'],
            autoLogging: { ignore: (req) => req.url === '/health/live' },
          },
        }),
        StorageModule.forRoot(config),
        CqrsModule.forRoot(),
        TerminusModule,
        ...(config.EMBEDDED_PROJECTOR === 'true' ? [ProjectionsModule] : []),
        ...(config.EMBEDDED_PROJECTOR === 'true' && config.KAFKA_BROKERS
          ? [NotificationsModule]
          : []),
      ],
      controllers: [
        EstablishJointVentureController,
        LifecycleController,
        FactsController,
        PartnersController,
        QueriesController,
        AuditController,
        HealthController,
        MetricsController,
      ],
      providers: [...commandSide, ...http, ...queries],
    };
  }
}
