// "direct": the client talks to the upstream itself, with its own key. The limit every proxy is
// compared with.
// For the JSON runs it gets its own mock pinned to the server CPU (the proxies' mock shares the
// load generator's CPU), so "direct" is measured on the same core budget as each proxy.
import { CHAT_PATH, PROVIDER_KEY } from "../lib/fixtures.ts";
import { startMock } from "./nginx.ts";
import type { Contender } from "./types.ts";

export const direct: Contender = {
  name: "direct",
  async start(ctx, up) {
    if (up.kind === "simulator") {
      return {
        url: `http://${up.host}:${up.port}${CHAT_PATH}`,
        headers: { authorization: `Bearer ${PROVIDER_KEY}` },
        pid: 0,
        note: "the simulator itself",
        stop: async () => {},
      };
    }
    const mock = await startMock(ctx.dir, ctx.cpu);
    return {
      url: `http://${mock.host}:${mock.port}${CHAT_PATH}`,
      headers: { authorization: `Bearer ${PROVIDER_KEY}` },
      pid: mock.proc.pid,
      note: "nginx return 200 (the mock itself)",
      stop: () => mock.proc.stop(),
    };
  },
};
