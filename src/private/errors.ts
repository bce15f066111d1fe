import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** Prefix of every acknowledgeable warning id this library adds (`cdk-layered-defense:<id>`). */
export const WARNING_ID_PREFIX = 'cdk-layered-defense';

/**
 * An error for bad input found at construction. The message starts with the construct path so a user with
 * forty stacks knows which construct to fix; `message` must name the bad value and say how to fix it.
 */
export function constructError(scope: IConstruct, message: string): Error {
  return constructPathError(scope.node.path, message);
}

/** The same error for a construct that does not exist yet (validation before `super()`): `path` is where it will be. */
export function constructPathError(path: string, message: string): Error {
  return new Error(`${path}: ${message}`);
}

/** The path a child `id` of `scope` will have. */
export function childPath(scope: IConstruct, id: string): string {
  return scope.node.path ? `${scope.node.path}/${id}` : id;
}

/**
 * A legal but risky choice: an acknowledgeable warning with a stable id (`cdk-layered-defense:<id>`).
 * Users silence one with `Annotations.of(scope).acknowledgeWarning('cdk-layered-defense:<id>', reason)`.
 */
export function addLayeredDefenseWarning(scope: IConstruct, id: string, message: string): void {
  Annotations.of(scope).addWarningV2(`${WARNING_ID_PREFIX}:${id}`, message);
}

/** What a construct decided that a reviewer should see (a split across layers, say): an info annotation. */
export function addLayeredDefenseInfo(scope: IConstruct, message: string): void {
  Annotations.of(scope).addInfo(message);
}
