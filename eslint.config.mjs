// Lint rules, run by `make lint` (with --max-warnings 0) and `make format` (--fix). Layout (line length,
// indentation, quotes) is Prettier's job (.prettierrc.json): eslint-config-prettier, last below, turns
// off every eslint rule that would argue with it, so there is no max-len or indent rule here.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import prettier from "eslint-config-prettier";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  { ignores: ["dist/", ".bench-build/", ".tools/", "node_modules/", "coverage/", "bench/results/", ".cluster/"] },

  // TypeScript: eslint's and typescript-eslint's recommended sets, type-aware, with the types of
  // tsconfig.json (which includes test/ and bench/).
  {
    files: ["**/*.ts"],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A promise nobody awaits loses its rejection (and a rejection nobody handles ends a Node 22
      // process): await it, end it with a .catch that logs, or mark it `void` with a comment saying
      // why it cannot reject.
      "@typescript-eslint/no-floating-promises": "error",
      // An async function passed where a callback's result is ignored (event listeners, amqplib's
      // consume, Moleculer's hooks) drops its rejection just as a floating promise does.
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-explicit-any": "error",
      // Off: an `async` function without `await` is how this codebase implements an interface or
      // hook that returns a promise (a Redis store's fake, a `PipelineConnection.onConnected` hook,
      // a poller for `eventually`): a throw in it becomes a rejection, as callers expect.
      "@typescript-eslint/require-await": "off",
      // A caught error (of type `unknown`) passed on unchanged, `Promise.reject(error)`, is allowed,
      // as `throw error` is; a new rejection reason must still be an Error.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingUnknown: true }],
      // `_name` marks a binding kept on purpose: a field dropped by rest-destructuring
      // (`const { $schema: _dialect, ...rest }`), a callback's unused argument.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ["test/**/*.ts"],
    rules: {
      // Off in tests: a fake tweet source that yields nothing, or throws before its first item, is an
      // `async *items()` without `yield` on purpose.
      "require-yield": "off",
      // Jest's asymmetric matchers (`expect.any`, `expect.stringContaining`) and `response.json()` are
      // typed `any`, and `expect(fake.method)` reads a mock unbound: these rules would flag every use.
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/unbound-method": "off",
    },
  },

  // Node scripts in CommonJS (jest.config.js, scripts/copy-assets.js): not TypeScript, no types to check.
  {
    files: ["**/*.js", "**/*.cjs"],
    ignores: ["gateway/dashboard/**"],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: "commonjs", globals: globals.node },
  },
  // The dashboard's plain browser scripts, served as they are (no build step).
  {
    files: ["gateway/dashboard/**/*.js"],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: "script", globals: globals.browser },
  },
  { files: ["**/*.mjs"], extends: [js.configs.recommended], languageOptions: { globals: globals.node } },

  prettier,
);
