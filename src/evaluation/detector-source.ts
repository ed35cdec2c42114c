import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FlaggingPolicySchema } from '../policy/domain/policy.schema';
import { readYamlFile } from '../policy/policy-loader';
import { createDetector, type Detector } from '../detection/domain/pipeline';
import { loadModelFile } from '../detection/model-loader';
import { loadRulesetFromDir } from '../detection/ruleset-loader';

/** A detector built for evaluation or comparison, with what it was built from. */
export interface DetectorSource {
  detector: Detector;
  rulesDir: string;
  /** the model file used, or null for rules only */
  modelFile: string | null;
  rulesetVersion: string;
  modelVersion: string | null;
  flagThreshold: number;
}

/**
 * Builds a detector from a rule folder and a model file, with the flag thresholds of `<policiesDir>/flagging.yaml`
 * (both sides of a comparison use the live thresholds, so only rules and model differ).
 * @param policiesDir the policy folder (thresholds; and rules in `detection/` when `rulesDir` is absent)
 * @param rulesDir folder of `*.yaml` rule files; default `<policiesDir>/detection`
 * @param model path of a model file, `'none'` for rules only, or undefined for `defaultModelFile` when it exists
 *   (rules only when it does not, as the live loader does)
 * @throws RulesetError for a missing or invalid rule folder; ModelFileError for a named model file that is missing or
 *   invalid; PolicyFileError for a bad flagging.yaml
 */
export function loadDetectorSource(policiesDir: string, defaultModelFile: string, rulesDir?: string, model?: string): DetectorSource {
  const dir = rulesDir ?? join(policiesDir, 'detection');
  const ruleset = loadRulesetFromDir(dir);
  const flagging = readYamlFile(join(policiesDir, 'flagging.yaml'), FlaggingPolicySchema).value;
  const modelFile = model === 'none' ? null : (model ?? (existsSync(defaultModelFile) ? defaultModelFile : null));
  const m = modelFile === null ? null : loadModelFile(modelFile);
  const detector = createDetector(ruleset, { flag: flagging.flagThreshold, review: flagging.reviewThreshold }, { model: m });
  return { detector, rulesDir: dir, modelFile, rulesetVersion: ruleset.version, modelVersion: m?.version ?? null, flagThreshold: flagging.flagThreshold };
}
