// Running the app for real on loopback: a free port, a test App key, and webhook signatures
// made the way GitHub makes them. Shared by the end-to-end tests and the benchmark.
import { createHmac, generateKeyPairSync } from "node:crypto";
import { createServer } from "node:net";

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A throwaway GitHub App private key (PKCS#1 PEM, as GitHub issues them). */
export function testAppKey(): string {
  return generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
}

/** The X-Hub-Signature-256 header GitHub sends with a delivery. */
export function signature(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/**
 * The environment Probot reads to run the App on loopback: a test App id and key, the webhook
 * secret, and, when given, a (fake) GitHub to talk to instead of api.github.com.
 */
export function loopbackAppEnv(options: {
  port: number;
  secret: string;
  privateKey: string;
  githubUrl?: string;
}): Record<string, string> {
  return {
    APP_ID: "123",
    PRIVATE_KEY: options.privateKey,
    WEBHOOK_SECRET: options.secret,
    PORT: String(options.port),
    HOST: "127.0.0.1",
    ...(options.githubUrl
      ? { GHE_HOST: options.githubUrl.replace("http://", ""), GHE_PROTOCOL: "http" }
      : {}),
  };
}
