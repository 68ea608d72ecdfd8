// Probot 14 and Octokit are ESM-only, so Jest runs in ESM mode with ts-jest's ESM preset.
/** @type {import('jest').Config} */
export default {
  preset: "ts-jest/presets/default-esm",
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: {
    "^.+\\.ts$": ["ts-jest", { useESM: true, diagnostics: false }],
  },
  testTimeout: 20000,
  // Two workers on CI's two cores: the slow suites (replicas, board, end to end) mostly wait
  // on loopback servers and child processes, so they overlap well.
  maxWorkers: 2,
};
