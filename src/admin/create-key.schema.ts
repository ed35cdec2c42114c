/**
 * What a new principal and API key need (zod). The admin API (`POST /v1/admin/keys`) and the
 * `keys:create` command both validate with it, so they accept the same names. Plain TypeScript.
 */
import { z } from 'zod';
import { storedText } from '../common/stored-text';
import { ROLES } from '../policy/domain/policy.schema';

export const CreateKeySchema = z.strictObject({
  name: storedText().trim().min(1).max(100).regex(/^[\w.@-]+$/, 'letters, digits and . _ @ - only'),
  role: z.enum(ROLES),
  unit: storedText().trim().min(1).max(100),
});
export type CreateKeyInput = z.infer<typeof CreateKeySchema>;
