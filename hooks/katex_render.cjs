// Renders TeX to KaTeX HTML for the MkDocs build (hooks/katex.py drives it).
// Protocol: one JSON request per line on stdin {"tex": "...", "display": true|false},
// one JSON answer per line on stdout {"html": "..."} or {"error": "..."}.
const katex = require("katex");
const readline = require("readline");

const macros = {};  // shared across formulas, so \gdef in one formula is seen by the next
const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("line", (line) => {
  let answer;
  try {
    const { tex, display } = JSON.parse(line);
    const html = katex.renderToString(tex, {
      displayMode: display,
      throwOnError: true,
      output: "htmlAndMathml", // MathML for screen readers, HTML for the eye
      strict: (code) => (code === "unicodeTextInMathMode" ? "ignore" : "error"),
      trust: false,
      macros,
    });
    answer = { html };
  } catch (err) {
    answer = { error: String(err.message || err) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
