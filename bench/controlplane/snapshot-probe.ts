// Size of the snapshot the operator serves for a Gateway: subscribe like a proxy would, read the
// first NDJSON line, hang up. Only the byte count leaves this function (snapshots hold secrets).
import { request } from "node:http";
import { PROXY_ID_HEADER, SNAPSHOTS_PATH } from "../../gateway/src/snapshot/protocol.ts";

export function snapshotBytes(baseUrl: string, token: string, gateway: string): Promise<number> {
  const u = new URL(`${SNAPSHOTS_PATH}/${gateway}`, baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      u,
      { headers: { authorization: `Bearer ${token}`, [PROXY_ID_HEADER]: `bench-size-probe-${process.pid}` } },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`snapshot stream answered ${res.statusCode}`));
          return;
        }
        let bytes = 0;
        res.on("data", (b: Buffer) => {
          const nl = b.indexOf(10);
          if (nl < 0) {
            bytes += b.length;
            return;
          }
          bytes += nl + 1;
          req.destroy();
          resolve(bytes);
        });
        res.on("end", () => reject(new Error("stream ended before a snapshot")));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error("no snapshot within 30 s")));
    req.on("error", reject); // a no-op once resolved (destroying the request after the first line)
    req.end();
  });
}
