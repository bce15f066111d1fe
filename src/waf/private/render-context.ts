import { IConstruct } from 'constructs';
import { ForwardedIpFallback, OriginPathStyle } from '../types';

/** What a statement needs to render itself for one web ACL: where errors point, how paths normalize, the forwarded IP header. */
export interface RenderContext {
  readonly scope: IConstruct;
  readonly originPathStyle: OriginPathStyle;
  readonly forwardedIp?: { readonly headerName: string; readonly fallbackBehavior: ForwardedIpFallback };
}
