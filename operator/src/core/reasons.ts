// Every condition type and reason the translator writes, in one place. Gateway API reasons keep
// their upstream spelling; the ones we add (SecretNotFound, InvalidConfig, ...) follow the same
// CamelCase habit so `kubectl get -o yaml` reads the same for every kind.

/** Condition types. */
export const ConditionType = {
  Accepted: "Accepted",
  Programmed: "Programmed",
  ResolvedRefs: "ResolvedRefs",
  Conflicted: "Conflicted",
  // Provisioning: an object the proxy needs exists but belongs to someone else.
  ProvisionedObjectConflict: "ProvisionedObjectConflict",
  /** AgentgatewayPolicy with counters: Global: the shared counters answered every proxy. */
  CountersAvailable: "CountersAvailable",
  /** AgentgatewayBackend with policies.health: no proxy has ejected one of its providers. */
  ProvidersHealthy: "ProvidersHealthy",
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

/** Condition reasons. */
export const Reason = {
  // Positive outcomes.
  Accepted: "Accepted",
  Programmed: "Programmed",
  ResolvedRefs: "ResolvedRefs",
  NoConflicts: "NoConflicts",
  // Gateway / listener.
  ListenersNotValid: "ListenersNotValid",
  /** Listener Accepted=False: the proxy cannot bind the listener's port (Gateway API reason). */
  PortUnavailable: "PortUnavailable",
  Pending: "Pending",
  Invalid: "Invalid",
  UnsupportedProtocol: "UnsupportedProtocol",
  HostnameConflict: "HostnameConflict",
  ProtocolConflict: "ProtocolConflict",
  InvalidRouteKinds: "InvalidRouteKinds",
  // Route attachment.
  NoMatchingParent: "NoMatchingParent",
  NotAllowedByListeners: "NotAllowedByListeners",
  NoMatchingListenerHostname: "NoMatchingListenerHostname",
  UnsupportedValue: "UnsupportedValue",
  // References.
  BackendNotFound: "BackendNotFound",
  BackendNotReady: "BackendNotReady",
  RefNotPermitted: "RefNotPermitted",
  InvalidKind: "InvalidKind",
  // Secrets and our own kinds.
  SecretNotFound: "SecretNotFound",
  SecretKeyNotFound: "SecretKeyNotFound",
  InvalidSecret: "InvalidSecret",
  InvalidConfig: "InvalidConfig",
  // Policy attachment (GEP-713).
  TargetNotFound: "TargetNotFound",
  Conflicted: "Conflicted",
  /** AgentgatewayPolicy pricesFrom: the ConfigMap is missing, or its prices.yaml does not parse. */
  ConfigMapNotFound: "ConfigMapNotFound",
  InvalidPrices: "InvalidPrices",
  /** AgentgatewayPolicy CountersAvailable: a proxy could not reach the Global counters (Redis). */
  CounterStoreUnavailable: "CounterStoreUnavailable",
  CounterStoreAvailable: "CounterStoreAvailable",
  // Provisioning: an object the proxy needs exists but belongs to someone else.
  ProvisionedObjectConflict: "ProvisionedObjectConflict",
  /** AgentgatewayBackend policies.health.unhealthyCondition is outside the supported CEL subset. */
  UnsupportedExpression: "UnsupportedExpression",
  /** AgentgatewayBackend policies.health has a value the proxy cannot use (e.g. duration under 1s). */
  InvalidHealthPolicy: "InvalidHealthPolicy",
  /** ProvidersHealthy: True when no proxy ejected a provider, False (ProvidersEjected) otherwise. */
  ProvidersHealthy: "ProvidersHealthy",
  ProvidersEjected: "ProvidersEjected",
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

/** A failure with its reason and a human message (names only, never secret values). */
export interface Problem {
  reason: Reason;
  message: string;
}
