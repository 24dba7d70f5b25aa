// Keep-alive agents, one per upstream endpoint ("https:host:port"). No socket timeout is set: a
// quiet SSE stream must never be cut by an idle timer (route timeouts are explicit). Agents of
// endpoints no snapshot uses any more are retired: idle sockets closed now, busy ones when freed.
import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";

const MAX_FREE_SOCKETS = 256;

export class AgentPool {
  readonly #agents = new Map<string, http.Agent>();

  get(key: string, tls: boolean): http.Agent {
    let agent = this.#agents.get(key);
    if (!agent) {
      const opts = { keepAlive: true, maxFreeSockets: MAX_FREE_SOCKETS, scheduling: "lifo" as const };
      agent = tls ? new https.Agent(opts) : new http.Agent(opts);
      this.#agents.set(key, agent);
    }
    return agent;
  }

  /** Retire agents whose endpoint is not in `inUse`. */
  retain(inUse: ReadonlySet<string>): void {
    for (const [key, agent] of this.#agents) {
      if (inUse.has(key)) continue;
      this.#agents.delete(key);
      retire(agent);
    }
  }

  destroy(): void {
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
  }
}

function retire(agent: http.Agent): void {
  for (const sockets of Object.values(agent.freeSockets)) for (const s of sockets ?? []) s.destroy();
  agent.on("free", (socket: Socket) => socket.destroy());
}
