import type { AppConfig, TokenVerifier } from '@app/runtime';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { useContainer } from 'class-validator';
import { Logger } from 'nestjs-pino';
import { ApiModule } from './api.module';
import { TOKEN_VERIFIER } from './auth/authentication.hook';
import { installHttpPipeline } from './http/http-pipeline';
import { LedgerMetrics } from './metrics/metrics';
import { serverOptionsOf } from './http/server-options';
import { createValidationPipe } from './problem/validation';
import { completeApiDocument } from './shared/api-document';
import { MemberStateConstraint } from './shared/validators';

/** Builds the HTTP application; `main.ts` listens, tests inject requests or listen on port 0. */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  // Typed with this project's fastify, not the copy @nestjs/platform-fastify pins (same major).
  const adapter = new FastifyAdapter(
    serverOptionsOf(config) as ConstructorParameters<typeof FastifyAdapter>[0],
  );
  const module = ApiModule.forRoot(config);
  // abortOnError: false: a failing start-up throws to the caller (main prints it; a test sees
  // it) instead of Nest aborting the process.
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    bufferLogs: true,
    abortOnError: false,
    // The JSON parser is ours (installHttpPipeline): bounded, UTF-8 only, after authentication.
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  // The one validator that needs configuration (member states) comes from the app's container;
  // class-validator's own constraint classes from its default one. (Asking Nest for those
  // made it build and throw an UnknownElementException per validated field, on every request.)
  const memberStates = app.get(MemberStateConstraint);
  useContainer(
    {
      get: (constraint: unknown) =>
        constraint === MemberStateConstraint ? memberStates : undefined,
    },
    { fallback: true },
  );
  await installHttpPipeline(app, config, app.get<TokenVerifier>(TOKEN_VERIFIER));
  app.get(LedgerMetrics).recordHttp(app.getHttpAdapter().getInstance() as never);
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();

  const generated = SwaggerModule.createDocument(
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
  const document = completeApiDocument(generated, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
