// zod schemas for everything that enters the simulator from outside: start options, the control
// API bodies and the CLI flags all go through these.
import { z } from "zod";

const millis = z.number().int().nonnegative();
const keys = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const FaultSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("status"),
    status: z.number().int().min(400).max(599),
    retryAfter: z.number().int().nonnegative().optional(),
  }),
  z.object({ kind: z.literal("hang") }),
  z.object({ kind: z.literal("cut"), afterChunks: z.number().int().nonnegative() }),
  z.object({ kind: z.literal("reset") }),
]);

export const FaultOptionsSchema = z.object({
  count: z.number().int().positive().optional(),
  pathPrefix: z.string().startsWith("/").optional(),
});

export const FaultRequestSchema = FaultOptionsSchema.extend({ fault: FaultSchema });

export const LatencySchema = z.object({ ttftMs: millis.optional(), interTokenMs: millis.optional() });

export const ChunksSchema = z.number().int().positive().max(1_000_000);

export const SimulatorOptionsSchema = z.object({
  port: z.number().int().min(0).max(65535).optional(),
  host: z.string().min(1).optional(),
  ttftMs: millis.optional(),
  interTokenMs: millis.optional(),
  chunks: ChunksSchema.optional(),
  requireKey: keys.optional(),
  maxRecorded: z.number().int().positive().optional(),
  gcpServiceAccounts: z
    .array(
      z.object({
        clientEmail: z.string().min(1),
        publicKeyPem: z.string().min(1),
        projectId: z.string().min(1),
      }),
    )
    .optional(),
  gcpTokenTtlSeconds: z.number().int().positive().optional(),
  awsCredentials: z
    .array(z.strictObject({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) }))
    .optional(),
  tls: z
    .strictObject({
      key: z.string().min(1),
      cert: z.string().min(1),
      clientCa: z.string().min(1).optional(),
      alpn: z.array(z.string().min(1)).min(1).optional(),
      groups: z.string().min(1).optional(),
    })
    .optional(),
  entraApps: z
    .array(
      z.strictObject({
        tenantId: z.string().min(1),
        clientId: z.string().min(1),
        clientSecret: z.string().min(1),
      }),
    )
    .optional(),
  entraTokenTtlSeconds: z.number().int().positive().optional(),
  basePath: z
    .string()
    .regex(/^\/[^?#]*[^/]$/)
    .optional(),
  keyLocation: z
    .discriminatedUnion("in", [
      z.strictObject({ in: z.literal("header"), name: z.string().min(1), prefix: z.string().optional() }),
      z.strictObject({ in: z.literal("queryParameter"), name: z.string().min(1) }),
      z.strictObject({ in: z.literal("cookie"), name: z.string().min(1) }),
    ])
    .optional(),
});

/** `POST /_sim/key`: `{key}` (also accepted: `keys`, `requireKey`); null or absent turns the check off. */
export const KeyRequestSchema = z
  .object({ key: keys.nullish(), keys: keys.nullish(), requireKey: keys.nullish() })
  .transform((b) => b.key ?? b.keys ?? b.requireKey ?? undefined);

export const ChunksRequestSchema = z.object({ chunks: ChunksSchema });
