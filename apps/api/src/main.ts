import 'reflect-metadata';
import { ConfigError, loadConfig, logStartupSummary, startupSummary } from '@app/runtime';
import type { AddressInfo } from 'node:net';
import { createApp } from './create-app';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.PORT, config.HOST);
  const { port } = app.getHttpServer().address() as AddressInfo;
  logStartupSummary(app, startupSummary(config, { kind: 'api', port }));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
