// Before a contender is measured it must answer one real chat completion: a 200 whose JSON has
// choices. Otherwise wrk would happily count fast 404s.
import { setTimeout as sleep } from "node:timers/promises";
import { post } from "./http.ts";

function isCompletion(text: string): boolean {
  try {
    return Array.isArray((JSON.parse(text) as { choices?: unknown }).choices);
  } catch {
    return false;
  }
}

export async function checkChat(url: string, body: string, headers: Record<string, string>): Promise<void> {
  let last = "";
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const r = await post(url, body, headers);
      if (r.status === 200 && isCompletion(r.text)) return;
      last = `status ${r.status}: ${r.text.slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`no valid chat completion from ${url}: ${last}`);
}

/** Throws unless `url` answers `want`. */
export async function expectStatus(url: string, body: string, headers: Record<string, string>, want: number) {
  const r = await post(url, body, headers);
  if (r.status !== want)
    throw new Error(`${url} answered ${r.status}, expected ${want}: ${r.text.slice(0, 200)}`);
}
