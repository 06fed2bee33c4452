import 'reflect-metadata';
import { ConfigError, loadConfig, notificationsSummary } from '@app/runtime';
import { Logger } from 'nestjs-pino';
import { createApp } from './create-app';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.PORT, config.HOST);
  app
    .get(Logger)
    .log(
      `listening on http://${config.HOST}:${config.PORT} (docs at /docs); ${config.eventStoreSummary}; ` +
        `projections ${config.EMBEDDED_PROJECTOR === 'true' ? 'in this process' : 'in the projector app'}; ` +
        notificationsSummary(config),
    );
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
