import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Every GitHub call lives in src/github/: decisions stay pure, and dry run has one owner. */
const GITHUB_CALLS = [
  ["MemberExpression[property.name='rest']", "octokit.rest"],
  ["CallExpression[callee.property.name='graphql']", ".graphql()"],
  ["CallExpression[callee.property.name='request']", ".request()"],
  ["CallExpression[callee.property.name='paginate']", ".paginate()"],
].map(([selector, call]) => ({
  selector,
  message: `${call}: GitHub is called only from src/github/ (add a function there).`,
}));

/** Instance codes come from issue text: `instanceOf()` finds only the registry's own entries. */
const INSTANCE_LOOKUP = {
  selector:
    "MemberExpression[computed=true][object.property.name='instances'][property.type!='Literal']",
  message: "look an instance up with instanceOf(registry, code): `constructor` is not an instance",
};

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/github/**"],
    rules: { "no-restricted-syntax": ["error", ...GITHUB_CALLS, INSTANCE_LOOKUP] },
  },
  {
    files: ["src/github/**/*.ts"],
    rules: { "no-restricted-syntax": ["error", INSTANCE_LOOKUP] },
  },
);
