// The shell commands an example's README shows, as a user would copy them: fenced `sh`/`bash`
// blocks, backslash continuations joined, `export NAME=value` lines remembered for later `$NAME`s.
// Words are split the way a POSIX shell does for the simple commands the READMEs use (quotes,
// variables); anything after an unquoted `|`, `>`, `;`, `&&` or `#` is not part of the command.

export interface ShellCommand {
  /** The command's words after quote removal and variable expansion. */
  words: string[];
  /** The command as written (continuations joined). */
  text: string;
}

const SHELL_LANGS = new Set(["sh", "bash", "shell", "console"]);
const STOP_WORDS = new Set(["|", ">", ";", "&&", "||", "2>&1"]);

/** Bodies of the fenced code blocks whose language is a shell. */
export function shellBlocks(markdown: string): string[] {
  const out: string[] = [];
  const fence = /^```([A-Za-z0-9_-]*)[^\n]*\n([\s\S]*?)^```[ \t]*$/gm;
  for (const m of markdown.matchAll(fence)) {
    if (SHELL_LANGS.has(m[1] ?? "")) out.push(m[2] ?? "");
  }
  return out;
}

function expand(name: string, env: Readonly<Record<string, string>>): string {
  const v = env[name];
  // Unknown variables stay visible ($NAME) so a caller can refuse them rather than send "".
  return v === undefined ? `$${name}` : v;
}

/** Reads `$NAME` or `${NAME}` at text[i] ('$' included); returns the expansion and the next index. */
function variableAt(text: string, i: number, env: Readonly<Record<string, string>>): [string, number] {
  const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(text.slice(i));
  if (braced?.[1]) return [expand(braced[1], env), i + braced[0].length];
  const bare = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i));
  if (bare?.[1]) return [expand(bare[1], env), i + bare[0].length];
  return ["$", i + 1];
}

/** Splits one command line into words; stops at the first unquoted operator or comment. */
export function shellWords(line: string, env: Readonly<Record<string, string>> = {}): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let i = 0;
  const flush = (): boolean => {
    if (inWord) {
      if (STOP_WORDS.has(word)) return false;
      words.push(word);
    }
    word = "";
    inWord = false;
    return true;
  };
  while (i < line.length) {
    const c = line[i] as string;
    if (c === " " || c === "\t") {
      if (!flush()) return words;
      i++;
    } else if (c === "#" && !inWord) {
      return words;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated ' in: ${line}`);
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      inWord = true;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === "\\" && i + 1 < line.length) {
          word += line[i + 1];
          i += 2;
        } else if (line[i] === "$") {
          const [v, next] = variableAt(line, i, env);
          word += v;
          i = next;
        } else {
          word += line[i];
          i++;
        }
      }
      if (i >= line.length) throw new Error(`unterminated " in: ${line}`);
      i++;
    } else if (c === "$") {
      const [v, next] = variableAt(line, i, env);
      word += v;
      inWord = true;
      i = next;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  flush();
  return words;
}

/** Every command of every shell block, in document order. `export A=B` lines set A for later ones. */
export function shellCommands(markdown: string): ShellCommand[] {
  const env: Record<string, string> = {};
  const out: ShellCommand[] = [];
  for (const block of shellBlocks(markdown)) {
    const lines = block.replace(/[ \t]*\\\n[ \t]*/g, " ").split("\n");
    for (const raw of lines) {
      const text = raw.trim();
      if (text === "" || text.startsWith("#")) continue;
      const words = shellWords(text, env);
      const assignment =
        words[0] === "export" ? /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(words[1] ?? "") : null;
      if (assignment?.[1] !== undefined) env[assignment[1]] = assignment[2] ?? "";
      if (words.length > 0) out.push({ words, text });
    }
  }
  return out;
}

/** The commands that start with `prefix` (e.g. ["npx", "ai-gateway", "standalone"]). */
export function commandsStartingWith(
  commands: readonly ShellCommand[],
  prefix: readonly string[],
): ShellCommand[] {
  return commands.filter((c) => prefix.every((p, i) => c.words[i] === p));
}
