import 'reflect-metadata';
import {
  ConfigError,
  loadConfig,
  logStartupSummary,
  startTracing,
  startupSummary,
} from '@app/runtime';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ProjectorModule } from './projector.module';

/** Runs the consumers alone, for deployments where the API runs with EMBEDDED_PROJECTOR=false. */
async function main(): Promise<void> {
  const config = loadConfig();
  const tracing = await startTracing(config, 'jv-ledger-projector');
  process.once('beforeExit', () => void tracing?.shutdown());
  const app = await NestFactory.createApplicationContext(ProjectorModule.forRoot(config), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  logStartupSummary(app, startupSummary(config, { kind: 'projector' }));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
