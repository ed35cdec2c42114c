/**
 * Turning a parsed YAML document into plain JS without letting the conversion throw past the caller.
 * `doc.toJS()` throws on an alias bomb ("Excessive alias count…") and on an alias whose anchor is not
 * set; a file that does either is bad input and must be reported with its line, like a syntax error.
 * Plain TS: used by domain code (rule files) and by the policy loader.
 */
import { isAlias, visit, type Document, type LineCounter } from 'yaml';

/** Most alias expansions a document may make (the yaml library's default, stated here on purpose). */
export const MAX_YAML_ALIAS_COUNT = 100;

export type YamlValue = { ok: true; value: unknown } | { ok: false; line: number | null; reason: string };

/**
 * The document's value, or the reason it cannot be built and the 1-based line to blame: the alias
 * named in the error, else the first alias, else the start of the document (null for an empty one).
 * Never throws. Call it only on a document without `doc.errors`.
 */
export function yamlValue(doc: Document, lc: LineCounter): YamlValue {
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT }) };
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
    const named = /alias[^:]*: (\S+)\s*$/.exec(message)?.[1];
    let first: number | undefined;
    let match: number | undefined;
    visit(doc, {
      Alias(_key, node) {
        if (!isAlias(node)) return undefined;
        first ??= node.range?.[0];
        if (named !== undefined && node.source === named) {
          match = node.range?.[0];
          return visit.BREAK;
        }
        return named === undefined ? visit.BREAK : undefined;
      },
    });
    const at = match ?? first ?? (doc.contents as { range?: [number, number, number] } | null)?.range?.[0];
    const reason = /alias/i.test(message) ? `YAML alias refused: ${message}` : `YAML value cannot be built: ${message}`;
    return { ok: false, line: at === undefined ? null : lc.linePos(at).line, reason };
  }
}
