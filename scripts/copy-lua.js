// tsc does not copy non-TypeScript files: the Lua scripts are read at run time beside their loader.
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
for (const dir of ["store"]) {
  for (const file of fs.readdirSync(path.join(root, dir))) {
    if (!file.endsWith(".lua")) continue;
    fs.mkdirSync(path.join(root, "dist", dir), { recursive: true });
    fs.copyFileSync(path.join(root, dir, file), path.join(root, "dist", dir, file));
  }
}
