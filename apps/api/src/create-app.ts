import type { AppConfig } from '@app/runtime';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { useContainer } from 'class-validator';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { ApiModule } from './api.module';
import { createValidationPipe } from './problem/validation';

/** Builds the HTTP application; `main.ts` listens, tests inject requests or listen on port 0. */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\x21-\x7e]{1,100}$/.test(given) ? given : randomUUID();
    },
  });
  const module = ApiModule.forRoot(config);
  // abortOnError: false lets class-validator fall back to its own container for its built-in
  // classes instead of Nest aborting the process when they are not providers.
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  // Validators that need configuration (member states) are resolved from the app's container.
  useContainer(app.select(module), { fallbackOnErrors: true });
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Joint-venture lifecycle ledger')
      .setDescription(
        'Records the lifecycle of joint ventures as an append-only, hash-chained history. ' +
          'Errors are RFC 9457 problem details. Versions are stream revisions, sent as weak ETags.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
