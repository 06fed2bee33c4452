import { ValidationPipe, type ValidationError } from '@nestjs/common';
import type { Violation } from '@app/domain';
import { RequestValidationError } from './application-errors';

/** Flattens class-validator's tree into request paths such as `partners[1].shareBasisPoints`. */
export function toViolations(errors: readonly ValidationError[], parent = ''): Violation[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...toViolations(error.children ?? [], field)];
  });
}

/** One pipe for every body and query: unknown fields refused, every invalid field named. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // One message per field: the first constraint it breaks, in declaration order.
    stopAtFirstError: true,
    exceptionFactory: (errors) => new RequestValidationError(toViolations(errors)),
  });
}
