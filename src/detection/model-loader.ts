import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MODEL_FORMAT, type LinearModel } from './domain/model';

/** The model file could not be used; the message names the file and the reason (fail closed). */
export class ModelFileError extends Error {
  constructor(readonly file: string, readonly reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'ModelFileError';
  }
}

const ModelFileSchema = z.strictObject({
  format: z.literal(MODEL_FORMAT),
  trainer: z.string(),
  bias: z.number(),
  calibration: z.strictObject({ a: z.number(), b: z.number() }),
  weights: z.record(z.string(), z.number()),
  trainedOn: z.record(z.string(), z.unknown()),
});

/** Parses model bytes; `version` is the SHA-256 (hex) of exactly these bytes. */
export function parseModel(bytes: Buffer, file = '<model>'): LinearModel {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new ModelFileError(file, `invalid JSON: ${(e as Error).message}`);
  }
  const r = ModelFileSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ModelFileError(file, `${i?.path.join('.') || '(top level)'}: ${i?.message ?? 'invalid model file'}`);
  }
  return {
    version: createHash('sha256').update(bytes).digest('hex'),
    format: MODEL_FORMAT,
    bias: r.data.bias,
    calibration: r.data.calibration,
    weights: new Map(Object.entries(r.data.weights)),
    trainedOn: r.data.trainedOn,
  };
}

/**
 * Loads the trained model artifact (`models/detection-model.json`, written by `npm run train`).
 * @throws ModelFileError when the file is missing, unreadable or not a valid model
 */
export function loadModelFile(path: string): LinearModel {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new ModelFileError(path, `cannot read: ${(e as Error).message}`);
  }
  return parseModel(bytes, path);
}
