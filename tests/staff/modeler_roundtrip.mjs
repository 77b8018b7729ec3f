// Reads a BPMN or DMN file and writes it back the way the browser modelers do (bpmn-moddle / dmn-moddle,
// the libraries under bpmn-js and dmn-js): `node modeler_roundtrip.mjs FILE [DESCRIPTOR.json [--types]]`.
// Without a descriptor it behaves like a generic modeler (bpmn.io, Camunda Modeler) that keeps unknown
// extensions; with --types it prints instead the types the extension elements were read as (JSON).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";

const [file, descriptorPath, mode] = process.argv.slice(2);
const require = createRequire(resolve(process.cwd(), "package.json"));
const extensions = descriptorPath ? { spiffworkflow: JSON.parse(readFileSync(descriptorPath, "utf8")) } : {};
const xml = readFileSync(file, "utf8");
const Moddle = file.endsWith(".dmn")
  ? (await import(require.resolve("dmn-moddle"))).DmnModdle
  : (await import(require.resolve("bpmn-moddle"))).default;
const moddle = new Moddle(extensions);
const { rootElement, warnings } = await moddle.fromXML(xml, file.endsWith(".dmn") ? "dmn:Definitions" : "bpmn:Definitions");
if (warnings.length) {
  process.stderr.write(warnings.map((w) => w.message).join("\n") + "\n");
  process.exit(2);
}
if (mode === "--types") {
  const types = new Set();
  const visit = (node, seen) => {
    if (!node || typeof node !== "object" || seen.has(node)) { return; }
    seen.add(node);
    if (node.$type === "bpmn:ExtensionElements") { (node.values || []).forEach((v) => types.add(v.$type)); }
    Object.keys(node).filter((k) => !k.startsWith("$")).forEach((k) => visit(node[k], seen));
  };
  visit(rootElement, new Set());
  process.stdout.write(JSON.stringify([...types].sort()));
} else {
  const { xml: out } = await moddle.toXML(rootElement, { format: true });
  process.stdout.write(out);
}
