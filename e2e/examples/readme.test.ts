import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { commandsStartingWith, shellBlocks, shellCommands, shellWords } from "./readme.ts";

describe("README shell commands", () => {
  it("splits words like a shell: quotes, variables, operators and comments", () => {
    const env = { KEY: "sk-1" };
    assert.deepEqual(shellWords(`curl -H 'a: b c' -d '{"x":"$KEY"}' "Bearer $KEY" x\${KEY}y`, env), [
      "curl",
      "-H",
      "a: b c",
      "-d",
      '{"x":"$KEY"}',
      "Bearer sk-1",
      "xsk-1y",
    ]);
    assert.deepEqual(shellWords("curl -s localhost:8080 | jq .choices", env), [
      "curl",
      "-s",
      "localhost:8080",
    ]);
    assert.deepEqual(shellWords("kubectl get x > /tmp/x.yaml"), ["kubectl", "get", "x"]);
    assert.deepEqual(shellWords("npm start # a comment"), ["npm", "start"]);
    assert.deepEqual(shellWords('echo "$UNSET"'), ["echo", "$UNSET"], "an unset variable stays visible");
    assert.throws(() => shellWords("echo 'open"), /unterminated/);
  });

  it("reads only shell blocks, joins continuations and remembers exports", () => {
    const md = [
      "text `curl not-this`",
      "```json",
      '{"curl": "not this either"}',
      "```",
      "```sh",
      "export TOKEN=abc",
      "# a comment line",
      "curl -s localhost:8080/x \\",
      '  -H "Authorization: Bearer $TOKEN"',
      "```",
      "```bash",
      "npx ai-gateway standalone -f examples/x",
      "```",
    ].join("\n");
    assert.equal(shellBlocks(md).length, 2);
    const cmds = shellCommands(md);
    assert.deepEqual(
      cmds.map((c) => c.words),
      [
        ["export", "TOKEN=abc"],
        ["curl", "-s", "localhost:8080/x", "-H", "Authorization: Bearer abc"],
        ["npx", "ai-gateway", "standalone", "-f", "examples/x"],
      ],
    );
    assert.equal(commandsStartingWith(cmds, ["npx", "ai-gateway"]).length, 1);
    assert.equal(
      commandsStartingWith(cmds, ["curl"])[0]?.text,
      'curl -s localhost:8080/x -H "Authorization: Bearer $TOKEN"',
    );
  });
});
