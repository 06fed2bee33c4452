import { APP_CONFIG, type AppConfig } from '@app/runtime';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { JointVentureRepository } from '../joint-venture.repository';

/**
 * Loads, before the service answers, the states of the JVs whose snapshots were written last
 * (SNAPSHOT_PREWARM of them): the long streams that were busy, whose first command after a
 * restart would otherwise read and parse a snapshot.
 */
@Injectable()
export class StatePrewarm implements OnApplicationBootstrap {
  private readonly logger = new Logger('StatePrewarm');

  constructor(
    private readonly streams: JointVentureRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // More than the cache holds would only push the first ones out again.
    const limit = Math.min(this.config.SNAPSHOT_PREWARM, this.config.STATE_CACHE_SIZE);
    if (limit === 0 || this.config.SNAPSHOT_EVERY === 0) return;
    const start = performance.now();
    try {
      const count = await this.streams.prewarm(limit);
      if (count > 0)
        this.logger.log(
          `prewarmed the states of ${count} JVs from snapshots in ${Math.round(performance.now() - start)} ms`,
        );
    } catch (error) {
      // A cache: a failed prewarm only leaves the first commands cold.
      this.logger.warn(`prewarming states failed: ${String(error)}`);
    }
  }
}
