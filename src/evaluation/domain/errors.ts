import { DomainError } from '../../common/errors';

/**
 * An evaluation request that cannot be carried out as given (a bad --fail-under spec, a prevalence outside (0, 1),
 * a label that is not one of the two classes). Kind `invalid` (HTTP 400; CLI usage error, exit 2). `details` names
 * the offending part, e.g. `{ part: 'f1=abc', reason: 'not a number' }`.
 */
export class EvaluationError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('EVALUATION.INVALID', 'invalid', message, details);
  }
}
