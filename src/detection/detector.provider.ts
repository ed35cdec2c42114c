import { join } from 'node:path';
import { POLICIES, type PolicySet } from '../config/config.module';
import { createDetector, type Detector } from './domain/pipeline';
import { loadRulesetFromDir } from './ruleset-loader';

export const DETECTOR = Symbol('DETECTOR');

/** The detector of this process: rules from `policies/detection/` (a bad file stops start-up), thresholds from `flagging.yaml`. */
export interface LoadedDetector {
  detector: Detector;
  rulesetVersion: string;
}

export function buildDetector(policies: PolicySet): LoadedDetector {
  const ruleset = loadRulesetFromDir(join(policies.dir, 'detection'));
  const detector = createDetector(ruleset, { flag: policies.flagging.flagThreshold, review: policies.flagging.reviewThreshold });
  return { detector, rulesetVersion: ruleset.version };
}

export const detectorProvider = { provide: DETECTOR, inject: [POLICIES], useFactory: buildDetector };
