// Lint for the widgets' sources (widgets/): eslint's recommended rules, in the browser.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["adpipeline/static/", "node_modules/", ".venv/"] },
  js.configs.recommended,
  {
    files: ["widgets/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.browser },
  },
  {
    files: ["scripts/*.mjs", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.node },
  },
];
