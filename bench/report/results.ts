// The shape of bench/results/<date>.json.
import type { ControlPlaneResult } from "../controlplane/run.ts";
import type { ContenderResult, StreamContenderResult } from "../dataplane.ts";
import type { DepStatus } from "../lib/deps.ts";
import type { Machine, Versions } from "../lib/machine.ts";
import type { ProfileResult } from "../profile.ts";
import type { ScaleResult } from "../scaling.ts";
import type { Settings } from "../settings.ts";

export type Results = {
  date: string;
  mode: "quick" | "full";
  machine: Machine;
  versions: Versions;
  settings: Settings;
  deps: DepStatus[];
  dataPlane?: ContenderResult[];
  streaming?: StreamContenderResult[];
  scaling?: ScaleResult[];
  profile?: ProfileResult;
  controlPlane?: ControlPlaneResult;
  durationS?: number;
};
