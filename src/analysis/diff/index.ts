// The connection-tracking diff: what a template change does to live connections. CDK-free (no aws-cdk-lib, no
// constructs); the CLI's `diff` subcommand and any jsii facade wrap it.
export { diffTemplates, DEFAULT_TCP_ESTABLISHED_SECONDS, DEFAULT_UDP_STREAM_SECONDS, DEFAULT_UDP_SECONDS, OTHER_PROTOCOL_SECONDS } from './diff';
export { formatDiffText, lingers, removedAccessText } from './format';
export type { AccessChange, CutOffAdvice, DiffDirection, DiffOptions, DiffResult, DiffStackInput, RemovedAccess } from './types';
