import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Where the demo's visitors seem to be. Offline, the local runtime gives every request a stand-in `request.cf` in
 * Austin, Texas, and a UK shop would greet its visitors from there ("delivery to Austin"). Miniflare reads its
 * `request.cf` from the file CLOUDFLARE_CF_FETCH_PATH names, so the demo writes one in the Lake District.
 */
export const DEMO_LOCATION = {
  colo: "MAN",
  country: "GB",
  continent: "EU",
  isEUCountry: "0",
  region: "England",
  regionCode: "ENG",
  city: "Keswick",
  postalCode: "CA12",
  metroCode: "",
  timezone: "Europe/London",
  latitude: "54.60040",
  longitude: "-3.13450",
  asn: 2856,
  asOrganization: "",
  clientTcpRtt: 0,
  httpProtocol: "HTTP/1.1",
  requestPriority: "",
  tlsCipher: "AEAD-AES128-GCM-SHA256",
  tlsVersion: "TLSv1.3",
  edgeRequestKeepAliveStatus: 0,
  clientTrustScore: 99,
  botManagement: {
    corporateProxy: false,
    verifiedBot: false,
    staticResource: false,
    detectionIds: [],
    score: 99,
  },
};

/** Writes the demo's location under .tmp/ (git-ignored) and returns the environment that points wrangler at it. */
export function demoLocationEnv(root: string): Record<string, string> {
  const dir = join(root, ".tmp");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "demo-cf.json");
  writeFileSync(path, JSON.stringify(DEMO_LOCATION));
  return { CLOUDFLARE_CF_FETCH_PATH: path };
}
