import 'reflect-metadata';
import {
  ConfigError,
  loadConfig,
  logStartupSummary,
  startTracing,
  startupSummary,
} from '@app/runtime';
import type { AddressInfo } from 'node:net';
import { createApp } from './create-app';

async function main(): Promise<void> {
  const config = loadConfig();
  // Before the app is built, so its HTTP server and Fastify are instrumented.
  const tracing = await startTracing(config, 'jv-ledger-api');
  process.once('beforeExit', () => void tracing?.shutdown());
  const app = await createApp(config);
  await app.listen(config.PORT, config.HOST);
  const { port } = app.getHttpServer().address() as AddressInfo;
  logStartupSummary(app, startupSummary(config, { kind: 'api', port }));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
