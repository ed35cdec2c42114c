import { join } from 'node:path';
import { ACTIVE_RULESET } from '../audit/activation.service';
import { POLICIES, type PolicySet } from '../config/config.module';
import { PROJECT_ROOT } from '../prisma/schema-engine';
import { createDetector, PIPELINE_VERSION, type Detector } from './domain/pipeline';
import { DEFAULT_MODEL_FILE } from './detector-loader';
import { loadModelFile } from './model-loader';
import { loadRulesetFromDir } from './ruleset-loader';

export const DETECTOR = Symbol('DETECTOR');

/**
 * The detector of this process: rules from `policies/detection/`, thresholds from `flagging.yaml`,
 * and the trained model `models/detection-model.json`. A bad or missing file stops start-up.
 */
export interface LoadedDetector {
  detector: Detector;
  rulesetVersion: string;
  /** SHA-256 of the model file. */
  modelVersion: string;
}

export function buildDetector(policies: PolicySet): LoadedDetector {
  const ruleset = loadRulesetFromDir(join(policies.dir, 'detection'));
  const model = loadModelFile(join(PROJECT_ROOT, DEFAULT_MODEL_FILE));
  const detector = createDetector(ruleset, { flag: policies.flagging.flagThreshold, review: policies.flagging.reviewThreshold }, { model });
  return { detector, rulesetVersion: ruleset.version, modelVersion: model.version };
}

export const detectorProvider = { provide: DETECTOR, inject: [POLICIES], useFactory: buildDetector };

/** What the worker records as its active ruleset and model at start (see ActivationService). */
export const activeRulesetProvider = {
  provide: ACTIVE_RULESET,
  inject: [DETECTOR],
  useFactory: (d: LoadedDetector) => ({ version: d.rulesetVersion, details: { pipelineVersion: PIPELINE_VERSION, modelVersion: d.modelVersion } }),
};
