// Turns a YAML CloudFormation template into the JSON form CloudFormation defines (short-form tags become their
// long forms) and remembers where the Resources keys sit; knows nothing about what the template means.

import { Alias, Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Node, parseDocument, Scalar, YAMLMap } from 'yaml';
import { own, setKey } from './json-object';
import { InputError, Json, SourcePosition } from './types';

/**
 * CloudFormation's YAML short forms: `!Name` is `Fn::Name`, except `!Ref` and `!Condition`.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 */
const SHORT_FORMS: Record<string, string> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!GetAtt': 'Fn::GetAtt',
  '!Sub': 'Fn::Sub',
  '!If': 'Fn::If',
  '!Select': 'Fn::Select',
  '!Join': 'Fn::Join',
  '!Split': 'Fn::Split',
  '!FindInMap': 'Fn::FindInMap',
  '!ImportValue': 'Fn::ImportValue',
  '!GetAZs': 'Fn::GetAZs',
  '!Base64': 'Fn::Base64',
  '!Cidr': 'Fn::Cidr',
  '!Equals': 'Fn::Equals',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!Not': 'Fn::Not',
  '!Transform': 'Fn::Transform',
  // AWS::LanguageExtensions transform.
  '!Length': 'Fn::Length',
  '!ToJsonString': 'Fn::ToJsonString',
  '!ForEach': 'Fn::ForEach',
};

/** Tags the YAML core schema resolves itself. */
const CORE_TAGS = new Set(['tag:yaml.org,2002:str', 'tag:yaml.org,2002:int', 'tag:yaml.org,2002:float',
  'tag:yaml.org,2002:bool', 'tag:yaml.org,2002:null', 'tag:yaml.org,2002:map', 'tag:yaml.org,2002:seq', '!']);

export interface ParsedYaml {
  readonly value: Json;
  /** Positions of the Resources keys (and of `Resources` itself under ''), computed on first call. */
  readonly resourceKeys: () => Map<string, SourcePosition>;
}


export function parseYamlTemplate(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true, keepSourceTokens: false });
  const at = (offset: number): SourcePosition => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    // The YAML library reports its own stack overflow (flow collections nested thousands deep) as an error of the
    // document: that is the input's depth, not a JavaScript error to show.
    const problem = e.code === 'MULTIPLE_DOCS'
      ? 'malformed YAML: more than one YAML document in the file; a template is one document'
      : /call stack/i.test(e.message) ? 'malformed YAML: nested too deeply' : `malformed YAML: ${firstSentence(e.message)}`;
    throw new InputError(file, problem, at(e.pos[0]));
  }
  // Every node without aliases takes at least one character; more nodes than that come from aliases expanding
  // aliases (a "billion laughs" document), which no template needs.
  const maxNodes = text.length + 100_000;
  let nodes = 0;
  const targets = new Map<Alias, unknown>();
  const convert = (node: unknown, depth: number): Json => {
    if (depth > 1000) throw new InputError(file, 'malformed YAML: nested too deeply', nodeAt(node));
    if (++nodes > maxNodes) throw new InputError(file, 'malformed YAML: too many alias expansions', nodeAt(node));
    if (isAlias(node)) {
      // yaml's Alias.resolve searches the whole document; each alias node is looked up once.
      let target = targets.get(node as Alias);
      if (!targets.has(node as Alias)) {
        target = (node as Alias).resolve(doc as Document);
        targets.set(node as Alias, target);
      }
      if (!target) throw new InputError(file, `malformed YAML: unknown alias *${(node as Alias).source}`, nodeAt(node));
      return convert(target, depth + 1);
    }
    let value: Json;
    if (isScalar(node)) {
      value = (node as Scalar).value;
      if (typeof value === 'bigint') value = Number(value);
    } else if (isSeq(node)) {
      value = node.items.map((item) => convert(item, depth + 1));
    } else if (isMap(node)) {
      value = convertMap(node as YAMLMap, depth);
    } else if (node === null || node === undefined) {
      value = null;
    } else {
      throw new InputError(file, 'malformed YAML: unsupported node', nodeAt(node));
    }
    const tag = node === null || node === undefined ? undefined : (node as Node).tag;
    if (tag && !CORE_TAGS.has(tag)) {
      const long = SHORT_FORMS[tag];
      if (!long) throw new InputError(file, `unknown YAML tag ${tag}: not a CloudFormation short form such as !Ref, !GetAtt or !Sub`, tagAt(node, tag));
      return shortForm(long, value, node);
    }
    return value;
  };
  const shortForm = (long: string, value: Json, node: unknown): Json => {
    if (long === 'Fn::GetAtt' && typeof value === 'string') {
      // `!GetAtt Resource.Attribute`: the attribute may itself hold dots (`Outputs.VpcId`).
      const dot = value.indexOf('.');
      if (dot <= 0 || dot === value.length - 1) {
        throw new InputError(file, `!GetAtt ${JSON.stringify(value)} must be written LogicalId.Attribute`, tagAt(node, '!GetAtt'));
      }
      return { [long]: [value.slice(0, dot), value.slice(dot + 1)] };
    }
    if (long === 'Fn::GetAZs' && value === null) return { [long]: '' };
    return { [long]: value };
  };
  const convertMap = (map: YAMLMap, depth: number): Json => {
    const out: Record<string, Json> = {};
    const merged: Json[] = [];
    for (const pair of map.items) {
      if (!isPair(pair)) continue;
      const key = pair.key;
      if (isScalar(key) && key.type === 'PLAIN' && key.source === '<<') {
        const source = convert(pair.value, depth + 1);
        for (const m of Array.isArray(source) ? source : [source]) {
          if (m === null || typeof m !== 'object' || Array.isArray(m)) {
            throw new InputError(file, 'malformed YAML: a merge key (<<) must name a mapping or a list of mappings', nodeAt(pair.value));
          }
          merged.push(m);
        }
        continue;
      }
      const k = isScalar(key) ? (key as Scalar).value : convert(key, depth + 1);
      if (k !== null && typeof k === 'object') {
        throw new InputError(file, 'malformed YAML: a mapping key must be a plain value, not a mapping or list', nodeAt(key));
      }
      setKey(out, String(k), convert(pair.value, depth + 1));
    }
    // YAML merge: explicit keys win over merged ones; earlier merge sources win over later ones.
    for (const m of merged) {
      for (const [k, v] of Object.entries(m)) if (!own(out, k)) setKey(out, k, v);
    }
    return out;
  };
  const nodeAt = (node: unknown): SourcePosition | undefined => {
    const range = (node as Node | undefined)?.range;
    return range ? at(range[0]) : undefined;
  };

  /** A node's range starts after its tag; messages about the tag point at the tag. */
  const tagAt = (node: unknown, tag: string): SourcePosition | undefined => {
    const range = (node as Node | undefined)?.range;
    if (!range) return undefined;
    const i = text.lastIndexOf(tag, range[0]);
    return at(i >= 0 && !text.slice(i, range[0]).includes('\n') ? i : range[0]);
  };

  const value = doc.contents === null ? null : convert(doc.contents, 0);
  const resourceKeys = () => {
    const found = new Map<string, SourcePosition>();
    const root = doc.contents;
    if (!isMap(root)) return found;
    for (const pair of root.items) {
      if (!isPair(pair) || !isScalar(pair.key) || pair.key.value !== 'Resources') continue;
      const keyAt = nodeAt(pair.key);
      if (keyAt) found.set('', keyAt);
      let resources: unknown = pair.value;
      if (isAlias(resources)) resources = resources.resolve(doc as Document);
      if (!isMap(resources)) continue;
      for (const r of resources.items) {
        if (!isPair(r) || !isScalar(r.key)) continue;
        const p = nodeAt(r.key);
        const id = String((r.key as Scalar).value);
        if (p && !found.has(id)) found.set(id, p);
      }
    }
    return found;
  };
  return { value, resourceKeys };
}

/** yaml's messages end with "at line L, column C" and a source excerpt; the position is reported separately. */
function firstSentence(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?\s*$/, '').trim();
}
