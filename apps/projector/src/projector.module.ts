import { ProjectionsModule, StorageModule, type AppConfig } from '@app/runtime';
import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';

/** The worker on its own: projections (and, later, notifications) without the HTTP API. */
@Module({})
export class ProjectorModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [
        LoggerModule.forRoot({ pinoHttp: { level: config.LOG_LEVEL } }),
        StorageModule.forRoot(config),
        ProjectionsModule,
      ],
    };
  }
}
