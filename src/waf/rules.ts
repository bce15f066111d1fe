import { Duration, Token } from 'aws-cdk-lib';
import { constructError } from '../private/errors';
import { canonicalProtectedPath, CfnStatement, MAX_REGEX_LENGTH, pathMatchStatement, pathRegexLength } from './private/path-statements';
import { RenderContext } from './private/render-context';
import { OriginPathStyle, PathMatchType, WafAction } from './types';

/**
 * Where a rule you add runs, relative to the rules `PathAllowlistWaf` writes. Bands (see the README's "Tuning for
 * production"): blocked sources, then `BEFORE_PATH_RULES`, the path rules, rate limits, `AFTER_PATH_RULES`, the
 * managed rule groups, `AFTER_MANAGED_RULE_GROUPS`. Within a band, rules run in the order they are added.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-processing-order.html
 */
export enum RulePlacement {
  /**
   * Before the path allowlist rules. An ALLOW here lets requests skip the path rules: the checks report it as
   * `LayeredDefense-WafAllowShadowsBlock` (an error) when it allows what a path rule blocks.
   */
  BEFORE_PATH_RULES = 'BEFORE_PATH_RULES',
  /** After the path rules and rate limits, before the managed rule groups. */
  AFTER_PATH_RULES = 'AFTER_PATH_RULES',
  /** After the managed rule groups: sees the labels they add (for example to block a counted rule's matches on some paths only). */
  AFTER_MANAGED_RULE_GROUPS = 'AFTER_MANAGED_RULE_GROUPS',
}

/**
 * A condition on a web request, for your own rules, rate-limit scopes and managed group scope-downs. Path
 * statements get the same decoding, normalization and lowercasing as the protected paths, so the checks judge them
 * as they judge the path rules.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statements.html
 */
export abstract class WafStatement {
  /**
   * The request path is one of `paths` (and, with PREFIX, what is under it) in any form an origin may resolve to
   * it: decoded once or twice, normalized or not, with `;params` (the protected paths' statement). It matches more
   * than the path, so use it where matching more is safe: to block, throttle or inspect. For an exemption (ALLOW,
   * or NOT in a scope-down) use `exemptPath`.
   * @param matchType @default PathMatchType.PREFIX
   */
  public static pathMatches(paths: string[], matchType?: PathMatchType): WafStatement {
    return new FunctionStatement((ctx) => {
      if (!Array.isArray(paths) || paths.length === 0) {
        throw constructError(ctx.scope, 'WafStatement.pathMatches needs at least one path, e.g. [\'/login\']');
      }
      const type = matchType ?? PathMatchType.PREFIX;
      const canonical = [...new Set(paths.map((p) => canonicalProtectedPath(ctx.scope, p)))];
      for (const path of canonical) {
        const length = pathRegexLength(path, type, ctx.originPathStyle);
        if (length > MAX_REGEX_LENGTH) {
          throw constructError(ctx.scope, `path '${path}' needs a ${length}-character regex, above the ${MAX_REGEX_LENGTH} AWS WAF allows; use a prefix with fewer segments`);
        }
      }
      return pathMatchStatement(canonical, type, ctx.originPathStyle);
    });
  }

  /**
   * The request path is `path` or under it, in a form every origin resolves to it: decoded once, normalized, with
   * no `;`, `%` (left after one decoding) or, for a Windows origin, `\`, `:`, dot or space after the path, since those
   * can make an origin resolve the request elsewhere (`/upload/..;/admin` is `/admin` to Tomcat). It matches less than
   * the path, so an exemption built on it never exempts another path.
   */
  public static exemptPath(path: string): WafStatement {
    return new FunctionStatement((ctx) => {
      const canonical = canonicalProtectedPath(ctx.scope, path);
      const escaped = canonical.replace(/[^a-z0-9/]/g, (c) => `\\${c}`);
      const windows = ctx.originPathStyle === OriginPathStyle.WINDOWS;
      const rest = windows ? '[^;%\\\\:. ]*' : '[^;%]*';
      return {
        RegexMatchStatement: {
          FieldToMatch: { UriPath: {} },
          RegexString: `^${escaped}(?:/${rest})?$`,
          TextTransformations: [
            { Priority: 0, Type: 'URL_DECODE' },
            { Priority: 1, Type: windows ? 'NORMALIZE_PATH_WIN' : 'NORMALIZE_PATH' },
            { Priority: 2, Type: 'LOWERCASE' },
          ],
        },
      };
    });
  }

  /**
   * The request carries a label added by an earlier rule, e.g. the core rule set's
   * `awswaf:managed:aws:core-rule-set:SizeRestrictions_Body` (labels are case-sensitive).
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-label-match.html
   */
  public static labelMatch(key: string): WafStatement {
    return new FunctionStatement((ctx) => {
      if (Token.isUnresolved(key) || typeof key !== 'string' || !/^[0-9A-Za-z_\-:]{1,1024}$/.test(key)) {
        throw constructError(ctx.scope, `label '${key}' is not a WAF label (letters, digits, '_', '-' and ':' namespaces), e.g. 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body'`);
      }
      return { LabelMatchStatement: { Scope: 'LABEL', Key: key } };
    });
  }

  /** The request does not match `statement`. */
  public static not(statement: WafStatement): WafStatement {
    return new FunctionStatement((ctx) => ({ NotStatement: { Statement: renderStatement(statement, ctx) } }));
  }

  /** The request matches every statement (at least two). */
  public static allOf(statements: WafStatement[]): WafStatement {
    return new FunctionStatement((ctx) => ({ AndStatement: { Statements: renderList(statements, ctx, 'allOf') } }));
  }

  /** The request matches at least one statement (at least two). */
  public static anyOf(statements: WafStatement[]): WafStatement {
    return new FunctionStatement((ctx) => ({ OrStatement: { Statements: renderList(statements, ctx, 'anyOf') } }));
  }

  /**
   * Any statement, written as CloudFormation writes it (PascalCase keys, one statement type), e.g.
   * `{ GeoMatchStatement: { CountryCodes: ['KP'] } }`. The checks judge it like any rule, and its capacity must be
   * one the estimate knows (an error otherwise).
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-wafv2-webacl-statement.html
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  public static fromCloudFormation(statement: { [key: string]: any }): WafStatement {
    return new FunctionStatement((ctx) => {
      const keys = statement && typeof statement === 'object' && !Array.isArray(statement) ? Object.keys(statement) : [];
      if (keys.length !== 1 || !keys[0].endsWith('Statement')) {
        throw constructError(ctx.scope, `WafStatement.fromCloudFormation needs one statement in CloudFormation form, e.g. { GeoMatchStatement: { CountryCodes: ['KP'] } }; got keys [${keys.join(', ')}]`);
      }
      return statement;
    });
  }

  /** @internal */
  public abstract _render(ctx: RenderContext): CfnStatement;
}

class FunctionStatement extends WafStatement {
  constructor(private readonly produce: (ctx: RenderContext) => CfnStatement) {
    super();
  }

  /** @internal */
  public _render(ctx: RenderContext): CfnStatement {
    return this.produce(ctx);
  }
}

function renderStatement(statement: WafStatement, ctx: RenderContext): CfnStatement {
  if (!(statement instanceof WafStatement)) {
    throw constructError(ctx.scope, 'a statement must be made with the WafStatement factories (WafStatement.pathMatches, WafStatement.fromCloudFormation, ...)');
  }
  return statement._render(ctx);
}

function renderList(statements: WafStatement[], ctx: RenderContext, what: string): CfnStatement[] {
  if (!Array.isArray(statements) || statements.length < 2) {
    throw constructError(ctx.scope, `WafStatement.${what} needs at least two statements (AWS WAF refuses fewer); use the statement itself`);
  }
  return statements.map((s) => renderStatement(s, ctx));
}

/** A rule of your own, added with `PathAllowlistWaf.addRule`. */
export interface WafRuleOptions {
  /** The rule's name: letters, digits, `_` and `-`, unique in the web ACL; its CloudWatch metric is named after it. */
  readonly name: string;
  /** What the rule matches. */
  readonly statement: WafStatement;
  /** What the rule does with a match. */
  readonly action: WafAction;
  /**
   * Where the rule runs.
   * @default RulePlacement.AFTER_PATH_RULES
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-processing-order.html
   */
  readonly placement?: RulePlacement;
  /**
   * Labels the rule adds to a request it matches (for later rules), e.g. `myapp:upload`.
   * @default - none
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-label-add.html
   */
  readonly labels?: string[];
}

/**
 * What a rate limit counts requests by (its aggregation key).
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based-aggregation-options.html
 */
export abstract class RateLimitAggregateKey {
  /** The connection's source address (behind a proxy or CDN, that is the proxy's). */
  public static sourceIp(): RateLimitAggregateKey {
    return new FunctionAggregateKey(() => ({ AggregateKeyType: 'IP' }));
  }

  /**
   * The first address of the web ACL's forwarded IP header (`forwardedIp` must be set). A client chooses that
   * address unless the proxy in front replaces the header, and a request without the header is not counted (AWS
   * WAF skips the rule), so keep the resource reachable only through a proxy that sets it.
   */
  public static forwardedIp(): RateLimitAggregateKey {
    return new FunctionAggregateKey((ctx) => {
      if (!ctx.forwardedIp) {
        throw constructError(ctx.scope, 'RateLimitAggregateKey.forwardedIp() needs the web ACL\'s forwardedIp option; without a proxy in front use RateLimitAggregateKey.sourceIp()');
      }
      return {
        AggregateKeyType: 'FORWARDED_IP',
        ForwardedIPConfig: { HeaderName: ctx.forwardedIp.headerName, FallbackBehavior: ctx.forwardedIp.fallbackBehavior },
      };
    });
  }

  /** Every request the scope-down matches counts toward one limit (a global cap on, say, `/login`); needs `scopeDownPath`. */
  public static constant(): RateLimitAggregateKey {
    return new FunctionAggregateKey(() => ({ AggregateKeyType: 'CONSTANT' }));
  }

  /** The value of a request header, e.g. an API key header (30 WCU); requests without the header are not counted. */
  public static header(name: string): RateLimitAggregateKey {
    return new FunctionAggregateKey((ctx) => {
      if (Token.isUnresolved(name) || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/.test(name)) {
        throw constructError(ctx.scope, `rate limit header '${name}' is not an HTTP header name; use e.g. 'x-api-key'`);
      }
      return {
        AggregateKeyType: 'CUSTOM_KEYS',
        CustomKeys: [{ Header: { Name: name.toLowerCase(), TextTransformations: [{ Priority: 0, Type: 'NONE' }] } }],
      };
    });
  }

  /** @internal */
  public abstract _render(ctx: RenderContext): CfnStatement;
}

class FunctionAggregateKey extends RateLimitAggregateKey {
  constructor(private readonly produce: (ctx: RenderContext) => CfnStatement) {
    super();
  }

  /** @internal */
  public _render(ctx: RenderContext): CfnStatement {
    return this.produce(ctx);
  }
}

/**
 * A rate limit, added with `PathAllowlistWaf.addRateLimit`: login throttling, for example.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html
 */
export interface RateLimitOptions {
  /** Requests per aggregation key in `window` above which the action applies: 10 to 2,000,000,000. */
  readonly limit: number;
  /** How far back AWS WAF counts: 1, 2, 5 or 10 minutes. */
  readonly window: Duration;
  /**
   * Count only requests to this path and what is under it (in every form an origin may resolve to it), e.g. `/login`.
   * @default - every request counts
   */
  readonly scopeDownPath?: string;
  /**
   * What requests are counted by.
   * @default RateLimitAggregateKey.sourceIp() - an error when the web ACL uses `forwardedIp`: choose
   * `sourceIp()` (the proxy's address) or `forwardedIp()` (a client-chosen address unless the proxy replaces it)
   */
  readonly aggregateKey?: RateLimitAggregateKey;
  /**
   * What happens to requests over the limit; ALLOW is not possible for a rate-based rule.
   * @default WafAction.BLOCK
   */
  readonly action?: WafAction;
  /**
   * The rule's name.
   * @default - `RateLimit<n>`, n counting the rate limits in the order added
   */
  readonly name?: string;
}
