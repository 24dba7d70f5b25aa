// npm run dev serves every Gateway's listeners on local ports (below 1024: port + 8000). Two
// Gateways that want the same local port cannot both have it: this names the clashes so the dev
// loop can say so (the proxy that loses reports the port as unavailable, and its Gateway is
// Programmed=False PortUnavailable, instead of the two fighting silently).
export interface DevGateway {
  key: string;
  /** "80=8080,8081=8081" */
  portMap: string;
}

/** Local ports wanted by more than one Gateway, with the Gateways in order. */
export function localPortClashes(gateways: readonly DevGateway[]): { port: number; gateways: string[] }[] {
  const byPort = new Map<number, string[]>();
  for (const g of gateways) {
    for (const pair of g.portMap.split(",").filter(Boolean)) {
      const local = Number(pair.split("=")[1]);
      if (!Number.isInteger(local)) continue;
      byPort.set(local, [...(byPort.get(local) ?? []), g.key]);
    }
  }
  return [...byPort]
    .filter(([, gws]) => gws.length > 1)
    .sort(([a], [b]) => a - b)
    .map(([port, gws]) => ({ port, gateways: gws }));
}
