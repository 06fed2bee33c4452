import { Inject, Injectable } from '@nestjs/common';
import {
  registerDecorator,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidationOptions,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { APP_CONFIG, type AppConfig } from '@app/runtime';

/**
 * The member states come from configuration (membership changes), so this constraint is a Nest
 * provider: class-validator resolves it through the app container (`useContainer`).
 */
@ValidatorConstraint({ name: 'isMemberState' })
@Injectable()
export class MemberStateConstraint implements ValidatorConstraintInterface {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  validate(value: unknown): boolean {
    return typeof value === 'string' && this.config.MEMBER_STATES.includes(value);
  }

  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must be one of the member states ${this.config.MEMBER_STATES.join(', ')}`;
  }
}

export function IsMemberState(options?: ValidationOptions) {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: MemberStateConstraint,
    });
}

type Allocation = { enterpriseCode?: unknown; shareBasisPoints?: unknown };

/** Shares of a list add up to exactly 100 % (10000 basis points). */
export function SharesAddUpToWhole(options?: ValidationOptions) {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'sharesAddUpToWhole',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property shares must add up to 10000 basis points`, ...options },
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value) &&
          value.reduce(
            (sum: number, item: Allocation) => sum + (Number(item?.shareBasisPoints) || 0),
            0,
          ) === 10_000,
      },
    });
}

/** No two items of a list share the value of `key` (one enterprise appears once). */
export function UniqueBy(key: string, options?: ValidationOptions) {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'uniqueBy',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property must not name the same ${key} twice`, ...options },
      validator: {
        validate: (value: unknown) => {
          if (!Array.isArray(value)) return true;
          const keys = value.map((item) => (item as Record<string, unknown>)?.[key]);
          return new Set(keys).size === keys.length;
        },
      },
    });
}

/**
 * Characters that display as something else or nothing at all: controls, format characters
 * (bidirectional overrides and isolates, zero-width spaces and joiners, BOM), lone surrogates,
 * private-use and unassigned code points, line and paragraph separators.
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;
/** Free text may also break lines and hold tabs. */
const HIDDEN_IN_FREE_TEXT = /(?![\t\n\r])[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;

const codePointAt = (value: string, index: number) =>
  `U+${(value.codePointAt(index) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Text that shows what it holds: no control, format or bidirectional characters. */
export function IsPlainText({ multiline = false } = {}, options?: ValidationOptions) {
  const hidden = multiline ? HIDDEN_IN_FREE_TEXT : HIDDEN;
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isPlainText',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !hidden.test(value),
        defaultMessage: (args?: ValidationArguments) => {
          const value = String(args?.value);
          const index = value.search(hidden);
          return `${args?.property} must not hold control, format or bidirectional characters (${codePointAt(value, index)} at ${index})`;
        },
      },
    });
}
