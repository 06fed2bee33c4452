import { EVENT_STORE, type EventStore, type GlobalPosition } from '@app/event-store';
import {
  JOINT_VENTURE_PROJECTIONS,
  ProjectionRunner,
  type ProjectionStatus,
  type ReadModelDb,
} from '@app/read-models';
import {
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Kysely } from 'kysely';
import { READ_MODEL_DB } from './storage.module';

/**
 * Runs every projection as its own checkpointed subscription: inside the API process in the
 * embedded default, alone in the projector app in production.
 */
@Injectable()
export class Projections implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Projections');
  readonly runners: readonly ProjectionRunner[];

  constructor(
    @Inject(EVENT_STORE) events: EventStore,
    @Inject(READ_MODEL_DB) db: Kysely<ReadModelDb>,
  ) {
    this.runners = JOINT_VENTURE_PROJECTIONS.map(
      (projection) =>
        new ProjectionRunner({
          db,
          events,
          projection,
          onError: (error, attempt) =>
            this.logger.error(
              `${projection.name} failed a batch (attempt ${attempt}), retrying: ${String(error)}`,
            ),
        }),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.start()));
    this.logger.log(`running ${this.runners.map((runner) => runner.name).join(', ')}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
  }

  status(): ProjectionStatus[] {
    return this.runners.map((runner) => runner.status());
  }

  /** Resolves once every projection has applied the log up to `position` (read your own writes). */
  async waitFor(position: GlobalPosition): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.waitFor(position)));
  }
}

@Module({ providers: [Projections], exports: [Projections] })
export class ProjectionsModule {}
