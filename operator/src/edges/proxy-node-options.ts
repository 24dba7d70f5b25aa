// Node's options for every proxy process the project runs: provisioned pods (NODE_OPTIONS in the
// Deployment) and the bench's ai-gateway contender, so the bench measures what the chart runs.
// A small young generation keeps the proxy's RSS lower under load; it can only be set at Node
// startup.
export const PROXY_NODE_OPTIONS = "--max-semi-space-size=4";
