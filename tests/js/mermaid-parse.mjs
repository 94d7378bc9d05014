// Reads a JSON list of Mermaid sources on stdin; prints a JSON list of null (parsed) or the parser's
// error message, one per source. Mermaid wants a DOM even to parse, so jsdom provides one.
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser ??= dom.window.DOMParser;
const { default: mermaid } = await import("mermaid");

let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const source of JSON.parse(input)) {
  try {
    await mermaid.parse(source);
    results.push(null);
  } catch (error) {
    results.push(String(error.message ?? error));
  }
}
console.log(JSON.stringify(results));
