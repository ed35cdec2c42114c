import { ParseUUIDPipe } from '@nestjs/common';
import { DomainError } from '../errors';

/** Route parameter pipe: a malformed id answers 400 naming the parameter. */
export const uuidParam = (name: string) =>
  new ParseUUIDPipe({ exceptionFactory: () => new DomainError('HTTP.BAD_ID', 'invalid', `path parameter "${name}" must be a UUID`, { param: name }) });
