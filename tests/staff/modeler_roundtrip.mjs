// Reads a BPMN or DMN file and writes it back the way the browser modelers do (bpmn-moddle / dmn-moddle,
// the libraries under bpmn-js and dmn-js): `node modeler_roundtrip.mjs FILE [DESCRIPTOR.json]`. Without a
// descriptor it behaves like a generic modeler (bpmn.io, Camunda Modeler) that keeps unknown extensions.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";

const [file, descriptorPath] = process.argv.slice(2);
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
const { xml: out } = await moddle.toXML(rootElement, { format: true });
process.stdout.write(out);
