import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readYamlFile } from '../policy/policy-loader';
import { FlaggingPolicySchema } from '../policy/domain/policy.schema';
import { createDetector, type Detector } from './domain/pipeline';
import { loadModelFile } from './model-loader';
import { loadRulesetFromDir } from './ruleset-loader';

/** Where the trained model artifact lives, relative to the project root. */
export const DEFAULT_MODEL_FILE = 'models/detection-model.json';

export interface LoadedDetectorParts {
  detector: Detector;
  rulesetVersion: string;
  /** SHA-256 of the model file, or null when no model is loaded. */
  modelVersion: string | null;
}

/**
 * Builds a detector from the policy folder (rules in `detection/`, thresholds in `flagging.yaml`) and the model
 * folder (`detection-model.json`). Used by the CLI and the benchmark; the worker builds the same from its PolicySet.
 * A missing model file means "rules only" (modelVersion null); a corrupt one throws.
 */
export function loadDetectorFromPolicies(policiesDir: string, modelsDir: string): LoadedDetectorParts {
  const ruleset = loadRulesetFromDir(join(policiesDir, 'detection'));
  const flagging = readYamlFile(join(policiesDir, 'flagging.yaml'), FlaggingPolicySchema).value;
  const modelPath = join(modelsDir, 'detection-model.json');
  const model = existsSync(modelPath) ? loadModelFile(modelPath) : null;
  const detector = createDetector(ruleset, { flag: flagging.flagThreshold, review: flagging.reviewThreshold }, { model });
  return { detector, rulesetVersion: ruleset.version, modelVersion: model?.version ?? null };
}
