import js from "@eslint/js";
import importPlugin from "eslint-plugin-import";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

const features = ["public", "auth", "stores", "dashboard", "audit", "settings"];

export default tseslint.config(
  { ignores: ["dist", "src/client", "node_modules"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { "react-hooks": reactHooks, import: importPlugin },
    settings: { "import/resolver": { node: { extensions: [".ts", ".tsx", ".js", ".json"] } } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // bulletproof-react: features never import each other; shared code lives in
      // components/common or lib, and only app/ composes features.
      "import/no-restricted-paths": [
        "error",
        {
          zones: [
            ...features.map((f) => ({
              target: `./src/features/${f}`,
              from: "./src/features",
              except: [`./${f}`],
              message: "Features do not import each other: move shared code to components/common or lib.",
            })),
            { target: ["./src/components", "./src/lib", "./src/i18n"], from: ["./src/features", "./src/app"] },
          ],
        },
      ],
      // Every string a user sees comes from the i18n catalogues: no literal text in JSX.
      "no-restricted-syntax": [
        "error",
        {
          selector: "JSXText[value=/[A-Za-z\\u4e00-\\u9fff]/]",
          message: "User-visible text belongs in src/i18n/locales (use t()).",
        },
        {
          selector: "JSXAttribute[name.name=/^(aria-label|title|placeholder|alt)$/] > Literal",
          message: "User-visible text belongs in src/i18n/locales (use t()).",
        },
      ],
    },
  },
  { files: ["scripts/**/*.mjs", "*.js"], languageOptions: { globals: globals.node } },
  {
    files: ["src/**/*.test.{ts,tsx}", "src/test/**"],
    rules: { "no-restricted-syntax": "off" },
  },
);
