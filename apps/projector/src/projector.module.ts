import { ConsumersModule, StorageModule, type AppConfig } from '@app/runtime';
import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';

/** The worker on its own: projections and, when KAFKA_BROKERS is set, notifications. */
@Module({})
export class ProjectorModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [
        LoggerModule.forRoot({ pinoHttp: { level: config.LOG_LEVEL } }),
        StorageModule.forRoot(config),
        ConsumersModule,
      ],
    };
  }
}
