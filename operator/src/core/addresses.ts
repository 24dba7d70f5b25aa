// Gateway status.addresses from the Service named like the Gateway in its namespace: load
// balancer ingress (ip → IPAddress, hostname → Hostname), else spec.clusterIP.
import type { Service } from "../api/gateway-api.ts";
import { lookupFirst } from "./lookup-index.ts";
import { keyOf, type NamespacedName, namespaceOf } from "./object-ref.ts";
import type { GatewayStatus } from "./types.ts";

type Address = NonNullable<GatewayStatus["addresses"]>[number];

function serviceKey(s: Service): string {
  return keyOf({ namespace: namespaceOf(s.metadata), name: s.metadata.name });
}

export function gatewayAddresses(
  services: readonly Service[],
  gateway: NamespacedName,
): Address[] | undefined {
  const svc = lookupFirst(services, serviceKey, keyOf(gateway));
  if (!svc) return undefined;
  const ingress: Address[] = (svc.status?.loadBalancer?.ingress ?? []).flatMap((i) =>
    i.ip ? [{ type: "IPAddress", value: i.ip }] : i.hostname ? [{ type: "Hostname", value: i.hostname }] : [],
  );
  if (ingress.length > 0) return ingress;
  const ip = svc.spec?.clusterIP;
  return ip && ip !== "None" ? [{ type: "IPAddress", value: ip }] : undefined;
}
