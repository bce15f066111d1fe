/**
 * A small evaluator of the CloudFormation intrinsics the firewall routes use (Fn::Select, Fn::Split, Fn::Join,
 * Fn::GetAtt, Ref), so a test can resolve a synthesized route the way CloudFormation would for a given deployment.
 */
export interface DeployedValues {
  /** Value of `Fn::GetAtt [logicalId, attribute]`. */
  getAtt(logicalId: string, attribute: string): unknown;
  /** Value of `Ref logicalId`. */
  ref(logicalId: string): unknown;
}

export function evaluate(expression: unknown, values: DeployedValues): unknown {
  if (typeof expression === 'string' || typeof expression === 'number') {
    return expression;
  }
  if (Array.isArray(expression)) {
    return expression.map((e) => evaluate(e, values));
  }
  if (expression === null || typeof expression !== 'object') {
    throw new Error(`cannot evaluate ${JSON.stringify(expression)}`);
  }
  const keys = Object.keys(expression);
  if (keys.length !== 1) {
    throw new Error(`not an intrinsic: ${JSON.stringify(expression)}`);
  }
  const [fn] = keys;
  const arg = (expression as Record<string, unknown>)[fn] as unknown[];
  switch (fn) {
    case 'Ref':
      return values.ref(arg as unknown as string);
    case 'Fn::GetAtt':
      return values.getAtt(arg[0] as string, arg[1] as string);
    case 'Fn::Join': {
      const parts = evaluate(arg[1], values);
      if (!Array.isArray(parts)) throw new Error('Fn::Join needs a list');
      return parts.map((p) => String(p)).join(arg[0] as string);
    }
    case 'Fn::Split': {
      if (typeof arg[0] !== 'string') throw new Error('Fn::Split takes a literal delimiter only');
      return String(evaluate(arg[1], values)).split(arg[0]);
    }
    case 'Fn::Select': {
      const list = evaluate(arg[1], values);
      const index = Number(evaluate(arg[0], values));
      if (!Array.isArray(list) || index < 0 || index >= list.length) {
        throw new Error(`Fn::Select index ${index} out of range of ${JSON.stringify(list)}`);
      }
      return list[index];
    }
    default:
      throw new Error(`intrinsic ${fn} not supported`);
  }
}

/** Every ordering of a list. */
export function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}
