// Finds the stacks behind the paths the user gave (template files, cloud assemblies with nested stages and nested
// stacks) and hands each, resolved, to the model; CDK-free: it reads cdk.out as files, not through aws-cdk-lib.

import * as fs from 'fs';
import * as path from 'path';
import { isObject, setKey } from './json-object';
import { locateJsonError, positionAt } from './json-text';
import { App, NeedsOtherStacksError, NestedTooDeeplyError, StackSource } from './resolve';
import { displayPath, readTemplateFile, TemplateFile } from './template-file';
import { applyTransforms, TransformedTemplate } from './transforms';
import { InputError, Json, LoadedApp, LoadedStack, ReadOptions } from './types';


/** A stack source with the file it came from, and what its transforms made of it. */
interface Found {
  readonly source: StackSource;
  readonly file: TemplateFile;
  readonly transformed: TransformedTemplate;
  /** Its nested stacks whose template was not read, by logical id: why (see AppReader.addNestedStacks). */
  readonly unreadNested: Map<string, string>;
  /** Its resolution, when it needs no other stack and was made as soon as the template was read (see resolveAlone). */
  alone?: Resolution;
}

/** A resolved template, with what its resolver found out about it. */
interface Resolution {
  readonly template: Json;
  readonly resourceCount: number;
  readonly resourceIds: readonly string[];
  readonly namesAllDeclared: boolean;
}

/** Nested stacks nested deeper than this are a loop of templates, not an app (CloudFormation allows far fewer). */
const MAX_NESTING = 20;

/** paths: template files (.json/.yaml/.yml/.template) and/or cloud assembly directories (with manifest.json). */
export function readApp(paths: readonly string[], options: ReadOptions = {}): LoadedApp {
  const reader = new AppReader(options.parameters ?? {});
  for (const p of paths) reader.readPath(p);
  // A template given on its own that another given template also nests (a local TemplateURL, as `check *.yaml` meets
  // it) is judged once, as the nested stack: there it has the parameters its parent passes.
  // What such a template nests goes with it.
  const nested = new Set(reader.found.filter((f) => f.source.parent !== undefined).map((f) => f.file.absolutePath));
  const dropped = new Set<StackSource>();
  const rootOf = (source: StackSource): StackSource => (source.parent ? rootOf(source.parent.source) : source);
  for (const f of reader.found) {
    if (f.source.parent === undefined && nested.has(f.file.absolutePath)) dropped.add(f.source);
  }
  const found = dropped.size === 0 ? reader.found : reader.found.filter((f) => !dropped.has(rootOf(f.source)));
  checkParameterValues(found, options.parameters ?? {});
  const app = new App(found.map((f) => f.source));
  // Every template is resolved here, so a caller never meets a failure later; positions stay lazy.
  const resolved: LoadedStack[] = found.map((f) => stackOf(app, f));
  // A nested stack whose AWS::CloudFormation::Stack a false condition removes from its parent is never created, nor
  // is anything it nests (parents come before their nested stacks here).
  const kept = new Map<string, LoadedStack>();
  for (const stack of resolved) {
    const parent = stack.parent === undefined ? undefined : kept.get(stack.parent.stackId);
    const declared = parent !== undefined && isObject(parent.template?.Resources) ? parent.template.Resources : undefined;
    if (stack.parent !== undefined && (declared === undefined || !isObject(declared[stack.parent.logicalId]))) {
      continue;
    }
    kept.set(stack.id, stack);
  }
  return { stacks: kept.size === resolved.length ? resolved : [...kept.values()] };
}

/** A stack for the model: its resolved template, and positions (which read the file again only when asked). */
function stackOf(app: App, { source, file, transformed, unreadNested, alone }: Found): LoadedStack {
  // A resource a transform generated is placed where the resource it comes from is written.
  const generatedFrom = transformed.generatedFrom;
  const positionOf = generatedFrom.size === 0 ? file.positionOf : (logicalId: string) => file.positionOf(generatedFrom.get(logicalId) ?? logicalId);
  const resolved = alone ?? resolve(app, source, file);
  return {
    id: source.id,
    stackName: source.stackName,
    file: file.file,
    template: resolved.template,
    resourceCount: resolved.resourceCount,
    resourceIds: resolved.resourceIds,
    namesAllDeclared: resolved.namesAllDeclared,
    positionOf: (logicalId: string) => (logicalId === '' ? undefined : positionOf(logicalId)),
    ...(transformed.notExpanded.length > 0 ? { notExpandedTransforms: transformed.notExpanded } : {}),
    ...(generatedFrom.size > 0 ? { generatedFrom } : {}),
    ...(unreadNested.size > 0 ? { unreadNestedStacks: unreadNested } : {}),
    ...(source.environment !== undefined ? { environment: source.environment } : {}),
    ...(source.parent ? { parent: { stackId: source.parent.source.id, logicalId: source.parent.logicalId } } : {}),
  };
}

/** The stack's template resolved in `app`; a value nested too deeply is an error naming the file. */
function resolve(app: App, source: StackSource, file: TemplateFile): Resolution {
  try {
    return resolution(app, source);
  } catch (e) {
    if (e instanceof NestedTooDeeplyError) throw new InputError(file.file, `${e.message}: not a template CloudFormation takes`);
    throw e;
  }
}

/** Resolves the stack's template in `app`, with what its resolver found out about it. */
function resolution(app: App, source: StackSource): Resolution {
  const resolver = app.resolver(source, true);
  const template = resolver.resolveTemplate();
  return {
    template,
    resourceCount: resolver.resolvedResourceCount(),
    resourceIds: resolver.resolvedResourceIds(),
    namesAllDeclared: resolver.namesAllDeclared(),
  };
}

/**
 * A top-level stack without nested stacks, resolved as soon as it is read, while its template is still in the
 * processor's caches (resolving every template after all are read walked each one cold: about half the resolution's
 * time). Undefined when a value needs another stack of the app (an import), or when the resolution fails (a value
 * nested too deeply): the app's resolution does it then, and reports the failure as before, in its order, and only
 * for a stack it keeps (a template given on its own that another given template nests is judged as that nested stack,
 * with the parameters its parent passes, which may leave out the branch that failed).
 */
function resolveAlone(found: Found): Resolution | undefined {
  if (found.source.parent !== undefined || found.source.children.size > 0) {
    return undefined;
  }
  try {
    return resolution(App.provisional(found.source), found.source);
  } catch (e) {
    if (e instanceof NeedsOtherStacksError || e instanceof NestedTooDeeplyError) return undefined;
    throw e;
  }
}

/**
 * Values given for parameters (`--parameter KEY=VALUE`) must name a parameter some stack declares, and respect each
 * declaring stack's `AllowedValues` (each item of a list type): CloudFormation rejects a deployment otherwise, and a
 * typo must not silently analyse the defaults instead.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html
 */
function checkParameterValues(found: readonly Found[], given: Readonly<Record<string, string>>): void {
  const declared = new Map<string, Array<{ file: string; declaration: Json }>>();
  for (const { source, file } of found) {
    const parameters = isObject(source.template) && isObject(source.template.Parameters) ? source.template.Parameters : {};
    for (const [name, declaration] of Object.entries(parameters)) {
      declared.set(name, [...(declared.get(name) ?? []), { file: file.file, declaration }]);
    }
  }
  for (const [name, value] of Object.entries(given)) {
    const declarations = declared.get(name);
    if (!declarations) {
      const names = [...declared.keys()].sort();
      throw new InputError(`--parameter ${name}`, `no stack declares a parameter '${name}' (${names.length > 0 ? `declared: ${names.join(', ')}` : 'no stack declares parameters'})`);
    }
    for (const { file, declaration } of declarations) {
      const allowed = isObject(declaration) && Array.isArray(declaration.AllowedValues) ? declaration.AllowedValues.map(String) : undefined;
      const type = isObject(declaration) && typeof declaration.Type === 'string' ? declaration.Type : 'String';
      const items = type.startsWith('List<') || type === 'CommaDelimitedList' ? value.split(',').map((v) => v.trim()) : [value];
      const bad = allowed ? items.find((item) => !allowed.includes(item)) : undefined;
      if (bad !== undefined) {
        throw new InputError(file, `--parameter ${name}=${value}: '${bad}' is not one of the parameter's AllowedValues (${allowed!.join(', ')})`);
      }
    }
  }
}

class AppReader {
  readonly found: Found[] = [];
  private readonly ids = new Set<string>();
  private readonly assemblies = new Set<string>();
  private readonly assetSources = new Map<string, Map<string, string>>();

  constructor(private readonly parameters: Readonly<Record<string, string>>) {}

  readPath(given: string): void {
    const absolute = path.resolve(given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absolute);
    } catch {
      throw new InputError(displayPath(absolute), 'no such file or directory');
    }
    if (stat.isDirectory()) {
      const manifest = path.join(absolute, 'manifest.json');
      if (!fs.existsSync(manifest)) {
        throw new InputError(displayPath(absolute),
          'directory without manifest.json: not a cloud assembly (give the cdk.out directory or template files)');
      }
      const before = this.found.length;
      this.readAssembly(absolute, undefined);
      if (this.found.length === before) throw new InputError(displayPath(manifest), 'the cloud assembly has no CloudFormation stacks');
      return;
    }
    if (path.basename(absolute) === 'manifest.json') {
      this.readPath(path.dirname(absolute));
      return;
    }
    const file = readTemplateFile(absolute);
    this.add(file, {
      id: given,
      stackName: baseName(absolute),
      parameterValues: this.parameters,
    }, false, 0);
  }

  /**
   * A cloud assembly: stacks are `aws:cloudformation:stack` artifacts, nested stages `cdk:cloud-assembly`
   * artifacts whose `directoryName` is a nested assembly.
   * @see https://github.com/aws/aws-cdk-cli/tree/main/packages/%40aws-cdk/cloud-assembly-schema
   */
  private readAssembly(directory: string, stage: string | undefined): void {
    const real = fs.realpathSync(directory);
    if (this.assemblies.has(real)) return;
    this.assemblies.add(real);
    const manifestPath = path.join(directory, 'manifest.json');
    const manifestFile = displayPath(manifestPath);
    const manifest = readJson(manifestPath, manifestFile);
    if (!isObject(manifest)) throw new InputError(manifestFile, 'not a cloud assembly manifest: expected an object with artifacts');
    const artifacts = manifest.artifacts ?? {};
    if (!isObject(artifacts)) throw new InputError(manifestFile, 'not a cloud assembly manifest: artifacts is not an object');
    for (const [artifactId, artifact] of Object.entries(artifacts)) {
      if (!isObject(artifact)) continue;
      const properties = isObject(artifact.properties) ? artifact.properties : {};
      const displayName = typeof artifact.displayName === 'string' ? artifact.displayName : undefined;
      if (artifact.type === 'aws:cloudformation:stack') {
        if (typeof properties.templateFile !== 'string') {
          throw new InputError(manifestFile, `stack artifact ${artifactId} has no properties.templateFile`);
        }
        const templatePath = path.join(directory, properties.templateFile);
        const templateFile = properties.templateFile;
        const file = readTemplateFile(templatePath,
          () => new InputError(manifestFile, `stack artifact ${artifactId}: its template ${templateFile} is not in the cloud assembly`));
        const manifestParameters: Record<string, string> = {};
        if (isObject(properties.parameters)) {
          for (const [k, v] of Object.entries(properties.parameters)) if (typeof v === 'string') setKey(manifestParameters, k, v);
        }
        this.add(file, {
          id: stage === undefined ? artifactId : displayName ?? `${stage}/${artifactId}`,
          stackName: typeof properties.stackName === 'string' ? properties.stackName : displayName ?? baseName(templatePath),
          environment: typeof artifact.environment === 'string' ? artifact.environment : undefined,
          parameterValues: { ...manifestParameters, ...this.parameters },
        }, true, 0);
      } else if (artifact.type === 'cdk:cloud-assembly') {
        if (typeof properties.directoryName !== 'string') {
          throw new InputError(manifestFile, `nested assembly artifact ${artifactId} has no properties.directoryName`);
        }
        const nested = path.join(directory, properties.directoryName);
        if (!fs.existsSync(path.join(nested, 'manifest.json'))) {
          throw new InputError(manifestFile, `nested assembly ${artifactId}: ${properties.directoryName}/manifest.json is not in the cloud assembly`);
        }
        const name = typeof properties.displayName === 'string' ? properties.displayName : displayName ?? artifactId;
        this.readAssembly(nested, stage === undefined || name.startsWith(`${stage}/`) ? name : `${stage}/${name}`);
      }
    }
  }

  /** The asset manifests' file whose object key ends the TemplateURL, if any. */
  private assetFromTemplateUrl(directory: string, templateUrl: Json): string | undefined {
    const pieces = strings(templateUrl);
    if (pieces.length === 0) return undefined;
    let sources = this.assetSources.get(directory);
    if (!sources) {
      sources = new Map();
      for (const name of fs.readdirSync(directory).filter((f) => f.endsWith('.assets.json'))) {
        let manifest: Json;
        try {
          manifest = JSON.parse(fs.readFileSync(path.join(directory, name), 'utf8'));
        } catch {
          continue; // Not ours to judge: only a lookup aid.
        }
        const files = isObject(manifest) && isObject(manifest.files) ? manifest.files : {};
        for (const entry of Object.values(files)) {
          if (!isObject(entry) || !isObject(entry.source) || typeof entry.source.path !== 'string') continue;
          for (const destination of Object.values(isObject(entry.destinations) ? entry.destinations : {})) {
            if (isObject(destination) && typeof destination.objectKey === 'string') sources.set(destination.objectKey, entry.source.path);
          }
        }
      }
      this.assetSources.set(directory, sources);
    }
    for (const piece of pieces) {
      for (const [objectKey, source] of sources) if (piece.endsWith(`/${objectKey}`) || piece === objectKey) return source;
    }
    return undefined;
  }

  private add(
    file: TemplateFile,
    init: Omit<StackSource, 'template' | 'children'>,
    inAssembly: boolean,
    depth: number,
  ): StackSource {
    let id = init.id;
    if (this.ids.has(id)) id = `${id} (${file.file})`;
    for (let n = 2; this.ids.has(id); n++) id = `${init.id} (${file.file} #${n})`;
    this.ids.add(id);
    let transformed: TransformedTemplate;
    try {
      transformed = applyTransforms(file.template);
    } catch (e) {
      if (e instanceof NestedTooDeeplyError) throw new InputError(file.file, `${e.message}: not a template CloudFormation takes`);
      throw e;
    }
    const source: StackSource = { ...init, id, template: transformed.template, children: new Map() };
    const unreadNested = new Map<string, string>();
    const found: Found = { source, file, transformed, unreadNested };
    this.found.push(found);
    this.addNestedStacks(source, file, inAssembly, depth, unreadNested);
    found.alone = resolveAlone(found);
    return source;
  }

  /**
   * Nested stacks: an AWS::CloudFormation::Stack whose template is a file next to the parent's. CDK names it in
   * the resource's Metadata `aws:asset:path` when asset metadata is on (the CDK CLI's default), and always in the
   * asset manifest (`*.assets.json`) under the object key that ends the TemplateURL. A template written by hand names
   * it with a local path in TemplateURL, as `aws cloudformation package` and `sam deploy` take it before they upload
   * it (a SAM `AWS::Serverless::Application` with a local `Location` becomes such a stack). A nested stack whose
   * template is not read (a URL, an AWS Serverless Application Repository application, a file that is not there) is
   * put in `unread` with why: what it creates is not judged, and the model says so on it.
   */
  private addNestedStacks(parent: StackSource, parentFile: TemplateFile, inAssembly: boolean, depth: number, unread: Map<string, string>): void {
    const directory = path.dirname(parentFile.absolutePath);
    const resources = parent.template.Resources as Record<string, Json>;
    // Every template of an assembly passes here, and nearly none nests a stack: reading the types of the parsed (and
    // transformed) template costs less than searching its text for the type did.
    // The keys are listed once here, and kept for the resolver and the model (a template's Resources is a
    // dictionary-mode object, whose keys cost a walk each time they are listed).
    const ids = Object.keys(resources);
    parent.resourceIds = ids;
    for (let i = 0; i < ids.length; i++) {
      const logicalId = ids[i];
      const resource = resources[logicalId];
      if (!isObject(resource) || resource.Type !== 'AWS::CloudFormation::Stack') continue;
      const metadata = isObject(resource.Metadata) ? resource.Metadata : {};
      const templateUrl = isObject(resource.Properties) ? resource.Properties.TemplateURL : undefined;
      let asset = typeof metadata['aws:asset:path'] === 'string' && metadata['aws:asset:path'] !== ''
        ? metadata['aws:asset:path'] as string
        : this.assetFromTemplateUrl(directory, templateUrl);
      let local = false;
      if (asset === undefined) {
        if (typeof templateUrl === 'string' && templateUrl !== '' && !URL_SCHEME.test(templateUrl)) {
          asset = templateUrl;
          local = true;
        } else {
          const sar = isObject(templateUrl) && templateUrl.ApplicationId !== undefined;
          unread.set(logicalId, `${templateOf(templateUrl)} is not read, so what it creates is not judged (${sar ? 'check the application\'s template on its own'
            : 'check the cloud assembly, or the templates before they are packaged, whose TemplateURL is a local path'})`);
          continue;
        }
      }
      const childPath = path.resolve(directory, asset);
      if (!fs.existsSync(childPath) || fs.statSync(childPath).isDirectory()) {
        if (!inAssembly || local) {
          // A template copied out of its assembly, or a local TemplateURL that names no file: the nested outputs stay unknown.
          const what = fs.existsSync(childPath) ? `${asset} is a directory, not a template file` : `${asset} is not a file next to ${parentFile.file}`;
          unread.set(logicalId, `its template ${what}, so what it creates is not judged`);
          continue;
        }
        throw new InputError(parentFile.file,
          `nested stack ${logicalId}: its template ${asset} (Metadata aws:asset:path) is not in the cloud assembly`,
          parentFile.positionOf(logicalId));
      }
      if (depth >= MAX_NESTING) {
        throw new InputError(parentFile.file, `nested stack ${logicalId}: stacks nested more than ${MAX_NESTING} deep (a template that nests itself?)`,
          parentFile.positionOf(logicalId));
      }
      let file: TemplateFile;
      try {
        file = readTemplateFile(childPath);
      } catch (e) {
        // Say which nested stack names the file: the problem alone does not say where the reference is.
        if (e instanceof InputError) {
          throw new InputError(e.file, `${e.problem} (the template of nested stack ${logicalId} in ${parentFile.file})`, e.position);
        }
        throw e;
      }
      const child = this.add(file, {
        id: `${parent.id}/${logicalId}`,
        stackName: `${parent.stackName}/${logicalId}`,
        environment: parent.environment,
        parameterValues: this.parameters,
        parent: { source: parent, logicalId },
      }, inAssembly, depth + 1);
      parent.children.set(logicalId, child);
    }
  }
}

/** A TemplateURL that is a URL (`https://...`, `s3://...`), not a local path. */
const URL_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** How the "not read" reason names a nested stack's template. */
function templateOf(templateUrl: Json): string {
  if (isObject(templateUrl) && templateUrl.ApplicationId !== undefined) {
    // A SAM application's Location: { ApplicationId, SemanticVersion }.
    return `its template, the AWS Serverless Application Repository application ${shortText(templateUrl.ApplicationId)}`
      + `${templateUrl.SemanticVersion !== undefined ? ` ${shortText(templateUrl.SemanticVersion)}` : ''},`;
  }
  return `its template (TemplateURL ${shortText(templateUrl)})`;
}

function shortText(value: Json): string {
  if (typeof value === 'string') return value;
  let text: string;
  try {
    text = value === undefined ? 'not set' : JSON.stringify(value) ?? String(value);
  } catch {
    text = '(a value nested too deeply to show)';
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Every string in an expression (the pieces of an Fn::Join or Fn::Sub). */
function strings(value: Json, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (isObject(value)) Object.values(value).forEach((v) => strings(v, out));
  return out;
}

function readJson(absolutePath: string, file: string): Json {
  let text: string;
  try {
    text = fs.readFileSync(absolutePath, 'utf8');
  } catch {
    throw new InputError(file, 'cannot read the file');
  }
  if (text.trim() === '') throw new InputError(file, 'empty file, expected JSON');
  try {
    return JSON.parse(text);
  } catch {
    const e = locateJsonError(text);
    throw new InputError(file, `malformed JSON: ${e?.problem ?? 'not valid JSON'}`, positionAt(text, e?.offset ?? text.length));
  }
}

/** `Network.template.json` -> `Network`, `vpc.yaml` -> `vpc`. */
function baseName(file: string): string {
  return path.basename(file).replace(/(\.nested)?(\.template)?\.(json|ya?ml|template)$/i, '') || path.basename(file);
}

/** A template already in memory (what a CDK front door renders), with how it nests. */
export interface TemplateInMemory {
  readonly id: string;
  readonly stackName: string;
  readonly template: Json;
  readonly environment?: string;
  /** For a nested stack: the parent's id and the logical id of its AWS::CloudFormation::Stack there. */
  readonly parent?: { readonly stackId: string; readonly logicalId: string };
}

/** A template in memory after {@link resolveTemplates}: resolved, with what its transforms made of it. */
export interface ResolvedInMemory {
  readonly template: Json;
  /** The SAM resource each resource the SAM transform generated comes from (generated logical id -> SAM logical id). */
  readonly generatedFrom: ReadonlyMap<string, string>;
  /** Transforms not expanded (macros, AWS::Include...): what they add or change is not judged. */
  readonly notExpandedTransforms: readonly string[];
}

/**
 * Resolves templates that are already in memory as `readApp` resolves files: transforms (SAM expanded), parameters
 * (defaults, and what a parent passes a nested stack), conditions, and cross-stack values (exports and imports,
 * nested stacks' parameters and outputs) into `LayeredDefense::StackRef` values. Returns them in the given order.
 */
export function resolveTemplates(templates: readonly TemplateInMemory[]): ResolvedInMemory[] {
  const sources = new Map<string, StackSource>();
  const transformed = templates.map((t) => applyTransforms(t.template));
  templates.forEach((t, i) => {
    sources.set(t.id, {
      id: t.id,
      stackName: t.stackName,
      template: transformed[i].template,
      parameterValues: {},
      children: new Map(),
      ...(t.environment !== undefined ? { environment: t.environment } : {}),
    });
  });
  for (const t of templates) {
    const parent = t.parent ? sources.get(t.parent.stackId) : undefined;
    if (t.parent && parent) {
      const source = sources.get(t.id)!;
      (source as { parent?: StackSource['parent'] }).parent = { source: parent, logicalId: t.parent.logicalId };
      parent.children.set(t.parent.logicalId, source);
    }
  }
  const app = new App([...sources.values()]);
  return templates.map((t, i) => ({
    template: app.resolver(sources.get(t.id)!, true).resolveTemplate(),
    generatedFrom: transformed[i].generatedFrom,
    notExpandedTransforms: transformed[i].notExpanded,
  }));
}
