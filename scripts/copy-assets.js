// After tsc: copy what tsc does not (it copies only TypeScript) beside the modules that read it: the
// Lua scripts of store/ and the dashboard's HTML, CSS and JavaScript of gateway/dashboard/. Then stamp
// the build with its version and git commit, which every node announces in its Moleculer metadata.
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const ASSETS = { store: [".lua"], "archive/migrations": [".sql"], "gateway/dashboard": [".html", ".css", ".js"] };
for (const [dir, extensions] of Object.entries(ASSETS)) {
  for (const file of fs.readdirSync(path.join(root, dir))) {
    if (!extensions.includes(path.extname(file))) continue;
    fs.mkdirSync(path.join(root, "dist", dir), { recursive: true });
    fs.copyFileSync(path.join(root, dir, file), path.join(root, "dist", dir, file));
  }
}

function gitCommit() {
  try {
    return execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: root, stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    return process.env.GIT_COMMIT || "unknown";
  }
}

const { version } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
fs.writeFileSync(path.join(root, "dist", "build.json"), `${JSON.stringify({ version, commit: gitCommit() })}\n`);
