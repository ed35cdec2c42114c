import { ENV, type Env } from '../config/config.module';
import { loadIdentityKey } from './identity-key';

export const IDENTITY_KEY = Symbol('IDENTITY_KEY');

export const identityKeyProvider = { provide: IDENTITY_KEY, inject: [ENV], useFactory: (env: Env) => loadIdentityKey(env.IDENTITY_KEY, env.NODE_ENV === 'production') };
