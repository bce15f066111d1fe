// The CloudFormation reader: template files and cloud assemblies in, resolved templates out; CDK-free.
export * from './types';
export { readApp, resolveTemplates } from './read-app';
export type { ResolvedInMemory, TemplateInMemory } from './read-app';
export { isStackRef } from './resolve';
