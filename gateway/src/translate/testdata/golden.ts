// Test support for the translation goldens (no product code imports it): loads
// testdata/<case>.golden.yaml. Each file:
//   description: what the case shows
//   source:      where the shapes come from (the providers' API references)
//   client:      chat | messages | responses (the client endpoint)  provider: openai | anthropic | gemini
//   providerModel: optional pinned model
//   request:     the client's body          upstreamRequest: {path, body} the provider must get
//   response:    optional provider JSON answer -> clientResponse
//   stream:      optional provider stream (list of data strings) -> clientStream (list of
//                {event?, data}) where data is JSON (or the literal "[DONE]")
// Expected values are written by hand from the references, never generated.
import { readdirSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";

export const TESTDATA_DIR = new URL("./", import.meta.url);

export const GoldenCase = z
  .object({
    description: z.string().min(1),
    source: z.string().min(1),
    client: z.enum(["chat", "messages", "responses"]),
    provider: z.enum(["openai", "anthropic", "gemini"]),
    providerModel: z.string().optional(),
    request: z.record(z.string(), z.unknown()),
    upstreamRequest: z.object({ path: z.string(), body: z.unknown() }),
    response: z.unknown().optional(),
    clientResponse: z.unknown().optional(),
    stream: z.array(z.string()).optional(),
    clientStream: z.array(z.object({ event: z.string().optional(), data: z.unknown() })).optional(),
  })
  .strict();
export type GoldenCase = z.infer<typeof GoldenCase>;

export function loadGoldens(): { name: string; golden: GoldenCase }[] {
  return readdirSync(TESTDATA_DIR)
    .filter((f) => f.endsWith(".golden.yaml"))
    .sort()
    .map((f) => ({
      name: f,
      golden: GoldenCase.parse(parse(readFileSync(new URL(f, TESTDATA_DIR), "utf8"))),
    }));
}
