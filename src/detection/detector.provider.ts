import { join } from 'node:path';
import { ACTIVE_RULESET } from '../audit/activation.service';
import { POLICIES, type PolicySet } from '../config/config.module';
import { PROJECT_ROOT } from '../prisma/schema-engine';
import type { LinearModel } from './domain/model';
import { createDetector, PIPELINE_VERSION, type Detector, type Thresholds } from './domain/pipeline';
import type { RuleFile } from './domain/ruleset';
import { DEFAULT_MODEL_FILE } from './detector-loader';
import { loadModelFile } from './model-loader';
import { loadRulesetWithFiles } from './ruleset-loader';
import { RulesetDetectors } from '../rulesets/ruleset-store';

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
  /** What the detector was built from: candidate rulesets are scored with the same model and thresholds. */
  model: LinearModel;
  thresholds: Thresholds;
  files: RuleFile[];
  ruleCount: number;
}

export function buildDetector(policies: PolicySet): LoadedDetector {
  const { ruleset, files } = loadRulesetWithFiles(join(policies.dir, 'detection'));
  const model = loadModelFile(join(PROJECT_ROOT, DEFAULT_MODEL_FILE));
  const thresholds: Thresholds = { flag: policies.flagging.flagThreshold, review: policies.flagging.reviewThreshold };
  const detector = createDetector(ruleset, thresholds, { model });
  return { detector, rulesetVersion: ruleset.version, modelVersion: model.version, model, thresholds, files, ruleCount: ruleset.rules.length };
}

export const detectorProvider = { provide: DETECTOR, inject: [POLICIES], useFactory: buildDetector };

export const RULESET_DETECTORS = Symbol('RULESET_DETECTORS');

/** Detectors for stored ruleset versions (shadow runs, backtests, evaluations), with this process's model and thresholds. */
export const rulesetDetectorsProvider = {
  provide: RULESET_DETECTORS,
  inject: [DETECTOR],
  useFactory: (d: LoadedDetector) => new RulesetDetectors(d.thresholds, d.model, { version: d.rulesetVersion, modelVersion: d.modelVersion, detector: d.detector }),
};

/** What the worker records as its active ruleset and model at start (see ActivationService). */
export const activeRulesetProvider = {
  provide: ACTIVE_RULESET,
  inject: [DETECTOR],
  useFactory: (d: LoadedDetector) => ({ version: d.rulesetVersion, details: { pipelineVersion: PIPELINE_VERSION, modelVersion: d.modelVersion } }),
};
