/**
 * The stateful default actions of a strict-order firewall policy: one drop action that applies to packets no rule
 * decided, and the alert action that logs them. A drop default without its alert default drops without an ALERT log
 * entry, so each choice here carries both.
 *
 * Only the "established" family is offered: `aws:drop_strict` drops the TCP handshake before the TLS SNI or HTTP
 * Host is seen, so a domain allowlist could never pass anything.
 *
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/suricata-rule-evaluation-order.html#suricata-strict-rule-evaluation-order
 */
export class StatefulDefaultActions {
  /**
   * `aws:drop_established` with `aws:alert_established`: the handshake passes so the SNI or Host can be read, and any
   * packet of an established connection that no rule passed is dropped and logged. The values the Network Firewall
   * API and CloudFormation reference list for `StatefulDefaultActions`.
   */
  public static readonly DROP_ESTABLISHED = new StatefulDefaultActions('aws:drop_established', 'aws:alert_established');

  /**
   * `aws:drop_established_app_layer` with `aws:alert_established_app_layer`: waits until the application protocol is
   * identified before it drops, so a TLS ClientHello split over several packets (post-quantum key shares) still
   * reaches the SNI rules. Newer than the values the CloudFormation reference lists: check that your Region accepts it.
   */
  public static readonly DROP_ESTABLISHED_APP_LAYER = new StatefulDefaultActions('aws:drop_established_app_layer', 'aws:alert_established_app_layer');

  /**
   * `aws:drop_established_app_layer_to_server` with `aws:alert_established_app_layer_to_server`: the application-layer
   * variant that only drops client-to-server packets, so server window updates and resets are not lost. Newer than
   * the values the CloudFormation reference lists: check that your Region accepts it.
   */
  public static readonly DROP_ESTABLISHED_APP_LAYER_TO_SERVER = new StatefulDefaultActions(
    'aws:drop_established_app_layer_to_server', 'aws:alert_established_app_layer_to_server');

  /**
   * A pair given by name, validated by `DomainAllowlistFirewall`: the drop action must be one of the established
   * variants and the alert action its match.
   *
   * @param dropAction e.g. `aws:drop_established`
   * @param alertAction e.g. `aws:alert_established`
   */
  public static of(dropAction: string, alertAction: string): StatefulDefaultActions {
    return new StatefulDefaultActions(dropAction, alertAction);
  }

  private constructor(
    /** The drop default action. */
    public readonly dropAction: string,
    /** The alert default action that logs what the drop action drops. */
    public readonly alertAction: string,
  ) {}
}

/**
 * An AWS managed stateful rule group for a strict-order policy (its name ends in `StrictOrder`). The groups run after
 * the domain allowlist, in the order given.
 *
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/aws-managed-rule-groups-threat-signature.html
 */
export class FirewallManagedRuleGroup {
  /** Signatures of known, confirmed active botnet and command-and-control hosts. */
  public static readonly THREAT_SIGNATURES_BOTNET = new FirewallManagedRuleGroup('ThreatSignaturesBotnetStrictOrder');
  /** Signatures that detect HTTP botnets. */
  public static readonly THREAT_SIGNATURES_BOTNET_WEB = new FirewallManagedRuleGroup('ThreatSignaturesBotnetWebStrictOrder');
  /** Signatures of malware traffic. */
  public static readonly THREAT_SIGNATURES_MALWARE = new FirewallManagedRuleGroup('ThreatSignaturesMalwareStrictOrder');
  /** Signatures for emerging events and active campaigns. */
  public static readonly THREAT_SIGNATURES_EMERGING_EVENTS = new FirewallManagedRuleGroup('ThreatSignaturesEmergingEventsStrictOrder');

  /** The groups used when `managedRuleGroups` is not given: botnet, botnet web, malware and emerging events. */
  public static defaults(): FirewallManagedRuleGroup[] {
    return [
      FirewallManagedRuleGroup.THREAT_SIGNATURES_BOTNET,
      FirewallManagedRuleGroup.THREAT_SIGNATURES_BOTNET_WEB,
      FirewallManagedRuleGroup.THREAT_SIGNATURES_MALWARE,
      FirewallManagedRuleGroup.THREAT_SIGNATURES_EMERGING_EVENTS,
    ];
  }

  /**
   * Any AWS managed stateful rule group by name; it must be a strict-order variant (`...StrictOrder`).
   * @param name e.g. `AbusedLegitMalwareDomainsStrictOrder`
   */
  public static of(name: string): FirewallManagedRuleGroup {
    return new FirewallManagedRuleGroup(name);
  }

  private constructor(
    /** The group's name, e.g. `ThreatSignaturesBotnetStrictOrder`. */
    public readonly name: string,
  ) {}
}
