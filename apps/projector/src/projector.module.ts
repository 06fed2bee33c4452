import {
  ConsumersModule,
  IntegrityModule,
  loggerModule,
  MetricsModule,
  MetricsServer,
  StorageModule,
  type AppConfig,
} from '@app/runtime';
import { Module, type DynamicModule } from '@nestjs/common';

/**
 * The worker on its own: projections, the integrity monitor and, when KAFKA_BROKERS is set,
 * notifications; metrics on METRICS_PORT when set.
 */
@Module({})
export class ProjectorModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [
        loggerModule(config),
        StorageModule.forRoot(config),
        MetricsModule,
        ConsumersModule,
        IntegrityModule.forRoot({ verifies: true }),
      ],
      providers: [MetricsServer],
    };
  }
}
