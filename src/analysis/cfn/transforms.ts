// A template's top-level `Transform`: CloudFormation runs it on the template before anything else, so the analysis
// must see what it produces. The AWS Serverless Application Model (SAM) transform is expanded here into the
// resources the model judges (a REST API and its stage, a Lambda function and its VPC placement); any other
// transform (a macro) can add or change anything, and is reported as not judged instead of passing silently.
// @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/transform-section-structure.html
// @see https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-generated-resources.html

import { isIntrinsic, isObject } from './json-object';
import { MAX_NESTING_DEPTH, NestedTooDeeplyError } from './resolve';
import { Json } from './types';

export const SAM_TRANSFORM = 'AWS::Serverless-2016-10-31';

/** What CloudFormation's transforms make of a template, as far as this analysis can tell. */
export interface TransformedTemplate {
  /** The template to resolve: the one given when it has no `Transform`. */
  readonly template: Json;
  /** The SAM resource each generated resource comes from (generated logical id -> SAM logical id). */
  readonly generatedFrom: ReadonlyMap<string, string>;
  /** Transforms not expanded here (macros, AWS::Include, AWS::LanguageExtensions...), as the template names them. */
  readonly notExpanded: readonly string[];
}

/** Expands the SAM transform; names any other transform in `notExpanded`. A template without `Transform` is returned as it is. */
export function applyTransforms(template: Json): TransformedTemplate {
  if (!isObject(template) || template.Transform === undefined) {
    return { template, generatedFrom: NONE, notExpanded: [] };
  }
  const names: Json[] = Array.isArray(template.Transform) ? template.Transform : [template.Transform];
  // The SAM transform also in the object form `{ Name: AWS::Serverless-2016-10-31 }`.
  const named = names.map(transformName);
  const notExpanded = named.filter((n) => n !== SAM_TRANSFORM);
  if (!named.includes(SAM_TRANSFORM) || !isObject(template.Resources)) {
    return { template, generatedFrom: NONE, notExpanded };
  }
  const { resources, generatedFrom, stages, conditions } = expandServerless(template.Resources, isObject(template.Globals) ? template.Globals : {});
  const expanded: Record<string, Json> = { ...template, Resources: resources };
  if (conditions.length > 0) {
    expanded.Conditions = { ...(isObject(template.Conditions) ? template.Conditions : {}) };
    for (const condition of conditions) expanded.Conditions[condition.name] = condition.body;
  }
  if (stages.size > 0) {
    // SAM's own references to a generated stage: `!Ref MyApi.Stage`, `${MyApi.Stage}` in an Fn::Sub.
    expanded.Resources = withStageReferences(resources, stages);
    if (isObject(template.Outputs)) expanded.Outputs = withStageReferences(template.Outputs, stages);
  }
  delete expanded.Globals;
  return { template: expanded, generatedFrom, notExpanded };
}

const NONE: ReadonlyMap<string, string> = new Map();

/** How messages name a transform: its name, the `Name` of the object form `{ Name, Parameters }`, else the value, short. */
function transformName(transform: Json): string {
  if (typeof transform === 'string') return transform === '' ? '""' : transform;
  if (isObject(transform) && typeof transform.Name === 'string') return transform.Name;
  try {
    const text = JSON.stringify(transform) ?? String(transform);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    // A value nested deeper than JSON.stringify follows.
    return Array.isArray(transform) ? '(a list nested too deeply to show)' : '(an object nested too deeply to show)';
  }
}

/** The implicit API SAM makes for function `Api` events that name no `RestApiId`, and its stage. */
const IMPLICIT_API = 'ServerlessRestApi';
const IMPLICIT_STAGE_NAME = 'Prod';
/** The condition SAM gives the implicit API when every resource whose events make it has a condition. */
const IMPLICIT_API_CONDITION = 'ServerlessRestApiCondition';
/** The types whose `Api` events make the implicit API. */
const EVENT_SOURCES: ReadonlySet<string> = new Set(['AWS::Serverless::Function', 'AWS::Serverless::StateMachine']);
/** The implicit HTTP API SAM makes for function `HttpApi` events that name no `ApiId`, and its condition. */
const IMPLICIT_HTTP_API = 'ServerlessHttpApi';
const IMPLICIT_HTTP_API_CONDITION = 'ServerlessHttpApiCondition';

interface Expanded {
  readonly resources: Record<string, Json>;
  readonly generatedFrom: Map<string, string>;
  readonly stages: Map<string, string>;
  /** Conditions to add to the template's Conditions (the implicit APIs', when SAM makes them). */
  readonly conditions: ReadonlyArray<{ readonly name: string; readonly body: Json }>;
}

function expandServerless(declared: Record<string, Json>, globals: Record<string, Json>): Expanded {
  const apiGlobals = isObject(globals.Api) ? globals.Api : {};
  const httpApiGlobals = isObject(globals.HttpApi) ? globals.HttpApi : {};
  const functionGlobals = isObject(globals.Function) ? globals.Function : {};
  const resources: Record<string, Json> = {};
  const generatedFrom = new Map<string, string>();
  /** SAM API logical id -> its generated stage's logical id. */
  const stages = new Map<string, string>();
  /** The resources whose Api events make the implicit API, in template order. */
  const implicitSources: string[] = [];
  /** The functions whose HttpApi events make the implicit HTTP API, in template order. */
  const implicitHttpSources: string[] = [];
  const add = (id: string, resource: Json, from: string) => {
    // A resource the template declares under the same id wins: the analysis keeps what was written.
    if (Object.prototype.hasOwnProperty.call(declared, id) && id !== from) return;
    resources[id] = resource;
    if (id !== from) generatedFrom.set(id, from);
  };
  /**
   * An HTTP API (`AWS::ApiGatewayV2::Api`, under the SAM API's logical id), as far as the model reads it: what it is.
   * Its stage and routes are not generated: no web ACL attaches to an HTTP API, whatever its stages.
   */
  const addHttpApi = (id: string, properties: Record<string, Json>, carried: Record<string, Json>, from: string) => {
    add(id, { ...carried, Type: 'AWS::ApiGatewayV2::Api', Properties: { ProtocolType: 'HTTP', ...(properties.Name !== undefined ? { Name: properties.Name } : {}) } }, from);
  };
  /** A REST API, its stage, and the stage SAM's deployment names `Stage` unless OpenApiVersion is set. */
  const addApi = (id: string, properties: Record<string, Json>, stageName: Json, carried: Record<string, Json>, from: string) => {
    add(id, { ...carried, Type: 'AWS::ApiGateway::RestApi', Properties: restApiProperties(properties) }, from);
    const stageId = stageLogicalId(id, stageName);
    add(stageId, { ...carried, Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: { Ref: id }, StageName: stageName } }, from);
    stages.set(id, stageId);
    if (properties.OpenApiVersion === undefined) {
      // SAM's deployment of an API without OpenApiVersion also creates a stage named Stage (a public stage of its own).
      add(`${id}Deployment`, { ...carried, Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: { Ref: id }, StageName: 'Stage' } }, from);
    }
  };
  for (const [id, resource] of Object.entries(declared)) {
    if (isObject(resource) && resource.Type === 'AWS::Serverless::Application') {
      // A nested stack: its Location is a local template (read as one), or an AWS Serverless Application Repository
      // application ({ ApplicationId, SemanticVersion }), whose template is not read.
      const properties = isObject(resource.Properties) ? resource.Properties : {};
      add(id, {
        ...carriedAttributes(resource),
        Type: 'AWS::CloudFormation::Stack',
        Properties: resource.Properties !== undefined && !isObject(resource.Properties) ? resource.Properties : {
          TemplateURL: properties.Location,
          ...(properties.Parameters !== undefined ? { Parameters: properties.Parameters } : {}),
        },
      }, id);
      continue;
    }
    if (isObject(resource) && resource.Type === 'AWS::Serverless::HttpApi') {
      const carried = carriedAttributes(resource);
      if (resource.Properties !== undefined && !isObject(resource.Properties)) {
        add(id, { ...carried, Type: 'AWS::ApiGatewayV2::Api', Properties: resource.Properties }, id);
        continue;
      }
      addHttpApi(id, withGlobals(httpApiGlobals, isObject(resource.Properties) ? resource.Properties : {}), carried, id);
      continue;
    }
    if (!isObject(resource) || (resource.Type !== 'AWS::Serverless::Api' && !EVENT_SOURCES.has(resource.Type))) {
      resources[id] = resource;
      continue;
    }
    const carried = carriedAttributes(resource);
    const target = resource.Type === 'AWS::Serverless::Api' ? 'AWS::ApiGateway::RestApi'
      : resource.Type === 'AWS::Serverless::Function' ? 'AWS::Lambda::Function' : 'AWS::StepFunctions::StateMachine';
    if (resource.Properties !== undefined && !isObject(resource.Properties)) {
      // SAM rejects it: the model reports the Properties of the type it would have become, and nothing is generated.
      add(id, { ...carried, Type: target, Properties: resource.Properties }, id);
      continue;
    }
    const own = isObject(resource.Properties) ? resource.Properties : {};
    if (resource.Type === 'AWS::Serverless::Api') {
      const properties = withGlobals(apiGlobals, own);
      addApi(id, properties, properties.StageName, carried, id);
      continue;
    }
    const properties = resource.Type === 'AWS::Serverless::Function' ? withGlobals(functionGlobals, own) : own;
    add(id, { ...carried, Type: target, Properties: resource.Type === 'AWS::Serverless::Function' ? functionProperties(properties) : {} }, id);
    const events = isObject(properties.Events) ? properties.Events : {};
    if (Object.values(events).some((event) => isObject(event) && event.Type === 'Api' && isObject(event.Properties) && event.Properties.RestApiId === undefined)) {
      implicitSources.push(id);
    }
    // An HttpApi event without ApiId (or without Properties: a catch-all route) goes to the implicit HTTP API.
    if (resource.Type === 'AWS::Serverless::Function'
      && Object.values(events).some((event) => isObject(event) && event.Type === 'HttpApi' && (!isObject(event.Properties) || event.Properties.ApiId === undefined))) {
      implicitHttpSources.push(id);
    }
  }
  const conditions: Array<{ readonly name: string; readonly body: Json }> = [];
  /** What the implicit API made for `sources` carries: their condition (or their conditions' OR), the first's Metadata. */
  const implicitAttributes = (sources: readonly string[], conditionName: string): Record<string, Json> => {
    // SAM gives the implicit API a condition only when every resource that makes it has one: their OR.
    const named = sources.map((id) => declared[id].Condition);
    const carried: Record<string, Json> = {};
    if (named.every((c) => typeof c === 'string')) {
      const unique = [...new Set(named as string[])];
      if (unique.length === 1) {
        carried.Condition = unique[0];
      } else {
        carried.Condition = conditionName;
        conditions.push({ name: conditionName, body: anyOf(unique) });
      }
    }
    const metadata = carriedAttributes(declared[sources[0]]).Metadata;
    if (metadata !== undefined) carried.Metadata = metadata;
    return carried;
  };
  if (implicitSources.length > 0 && !Object.prototype.hasOwnProperty.call(declared, IMPLICIT_API)) {
    const carried = implicitAttributes(implicitSources, IMPLICIT_API_CONDITION);
    addApi(IMPLICIT_API, withGlobals(apiGlobals, {}), IMPLICIT_STAGE_NAME, carried, implicitSources[0]);
  }
  if (implicitHttpSources.length > 0 && !Object.prototype.hasOwnProperty.call(declared, IMPLICIT_HTTP_API)) {
    const carried = implicitAttributes(implicitHttpSources, IMPLICIT_HTTP_API_CONDITION);
    addHttpApi(IMPLICIT_HTTP_API, withGlobals(httpApiGlobals, {}), carried, implicitHttpSources[0]);
  }
  return { resources, generatedFrom, stages, conditions };
}

/** `Fn::Or` of the named conditions (it takes 2 to 10 conditions: longer lists are nested). */
function anyOf(names: readonly string[]): Json {
  return orOf(names.map((name) => ({ Condition: name })));
}

function orOf(terms: readonly Json[]): Json {
  if (terms.length === 1) return terms[0];
  if (terms.length <= 10) return { 'Fn::Or': terms };
  const chunks: Json[] = [];
  for (let i = 0; i < terms.length; i += 10) chunks.push(orOf(terms.slice(i, i + 10)));
  return orOf(chunks);
}

/**
 * A resource's properties with the template's Globals for its type, as SAM merges them: a map is merged key by key
 * (the resource's value winning), a list is the global items followed by the resource's, anything else is the
 * resource's. A value that is an intrinsic is taken as a whole.
 * @see https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html
 */
function withGlobals(globals: Record<string, Json>, own: Record<string, Json>): Record<string, Json> {
  const merged: Record<string, Json> = { ...globals };
  for (const [key, value] of Object.entries(own)) {
    merged[key] = key in globals ? mergeGlobal(globals[key], value) : value;
  }
  return merged;
}

function mergeGlobal(global: Json, own: Json): Json {
  if (Array.isArray(global) && Array.isArray(own)) return [...global, ...own];
  if (isObject(global) && isObject(own) && !isIntrinsic(global) && !isIntrinsic(own)) return withGlobals(global, own);
  return own;
}

/** What a generated resource keeps of its SAM resource: its condition, and its metadata (acknowledgements travel). */
function carriedAttributes(resource: Json): Record<string, Json> {
  const carried: Record<string, Json> = {};
  if (!isObject(resource)) return carried;
  if (resource.Condition !== undefined) carried.Condition = resource.Condition;
  if (resource.Metadata !== undefined) carried.Metadata = resource.Metadata;
  return carried;
}

/**
 * SAM names an API's stage `<Api><StageName>Stage` when the name is alphanumeric (`MyApiprodStage`,
 * `ServerlessRestApiProdStage`); otherwise with a hash this analysis does not reproduce, so it uses `<Api>Stage`.
 */
function stageLogicalId(apiId: string, stageName: Json): string {
  return typeof stageName === 'string' && /^[A-Za-z0-9]+$/.test(stageName) ? `${apiId}${stageName}Stage` : `${apiId}Stage`;
}

/** A REST API's properties from a SAM API's: its name and endpoint type (SAM writes `REGIONAL` or `{ Type, VPCEndpointIds }`). */
function restApiProperties(properties: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {};
  if (properties.Name !== undefined) out.Name = properties.Name;
  const endpoint = properties.EndpointConfiguration;
  if (endpoint !== undefined) {
    if (isObject(endpoint) && !isIntrinsic(endpoint)) {
      out.EndpointConfiguration = {
        ...(endpoint.Type !== undefined ? { Types: [endpoint.Type] } : {}),
        ...(endpoint.VPCEndpointIds !== undefined ? { VpcEndpointIds: endpoint.VPCEndpointIds } : {}),
      };
    } else {
      out.EndpointConfiguration = { Types: [endpoint] };
    }
  }
  return out;
}

/** A Lambda function's properties from a SAM function's, as far as the model reads them: its VPC placement. */
function functionProperties(properties: Record<string, Json>): Record<string, Json> {
  return properties.VpcConfig !== undefined ? { VpcConfig: properties.VpcConfig } : {};
}


/** `value` with SAM's `<Api>.Stage` references replaced by references to the generated stage. */
function withStageReferences<T extends Json>(value: T, stages: ReadonlyMap<string, string>, depth = 0): T {
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_NESTING_DEPTH) throw new NestedTooDeeplyError();
  if (Array.isArray(value)) return value.map((v) => withStageReferences(v, stages, depth + 1)) as T;
  const out: Record<string, Json> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'Ref' && typeof v === 'string') {
      out.Ref = stageOf(v, stages) ?? v;
    } else if (key === 'Fn::Sub' && (typeof v === 'string' || (Array.isArray(v) && typeof v[0] === 'string'))) {
      const text = typeof v === 'string' ? v : v[0];
      const replaced = text.replace(/\$\{([A-Za-z0-9]+)\.Stage\}/g, (whole: string, api: string) => (stages.has(api) ? `\${${stages.get(api)}}` : whole));
      out[key] = typeof v === 'string' ? replaced : [replaced, ...v.slice(1).map((x: Json) => withStageReferences(x, stages, depth + 1))];
    } else {
      out[key] = withStageReferences(v, stages, depth + 1);
    }
  }
  return out as T;
}

function stageOf(reference: string, stages: ReadonlyMap<string, string>): string | undefined {
  const match = /^([A-Za-z0-9]+)\.Stage$/.exec(reference);
  return match ? stages.get(match[1]) : undefined;
}
