// Every way the control-plane harness can fail, with a stable code. Messages name the part that
// failed and carry the tail of its log; they never carry the admin token.
export const HarnessErrorCode = {
  BinaryMissing: "HARNESS_BINARY_MISSING",
  DirNotEmpty: "HARNESS_DIR_NOT_EMPTY",
  ProcessExited: "HARNESS_PROCESS_EXITED",
  PortInUse: "HARNESS_PORT_IN_USE",
  NotReady: "HARNESS_NOT_READY",
  CrdInvalid: "HARNESS_CRD_INVALID",
  CrdInstallFailed: "HARNESS_CRD_INSTALL_FAILED",
  CrdNotEstablished: "HARNESS_CRD_NOT_ESTABLISHED",
  KubectlFailed: "HARNESS_KUBECTL_FAILED",
  StateInvalid: "HARNESS_STATE_INVALID",
  Stopped: "HARNESS_STOPPED",
} as const;
export type HarnessErrorCode = (typeof HarnessErrorCode)[keyof typeof HarnessErrorCode];

export class HarnessError extends Error {
  readonly code: HarnessErrorCode;
  constructor(code: HarnessErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.name = "HarnessError";
    this.code = code;
  }
}
