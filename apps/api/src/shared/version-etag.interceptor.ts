import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';

/** Sends the JV's version as a weak ETag (`W/"7"`) so clients can return it as If-Match. */
@Injectable()
export class VersionEtagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((body: unknown) => {
        const version = (body as { version?: unknown } | undefined)?.version;
        if (typeof version === 'number')
          void context.switchToHttp().getResponse<FastifyReply>().header('etag', `W/"${version}"`);
        return body;
      }),
    );
  }
}
