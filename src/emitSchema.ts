/** `npm run schema`: writes the schema the code builds to schema.graphql at the project root. */
import { writeFile } from "node:fs/promises";
import { printApiSchema } from "./schema.js";

const target = new URL("../schema.graphql", import.meta.url);
await writeFile(target, await printApiSchema());
console.log(`Wrote ${target.pathname}`);
