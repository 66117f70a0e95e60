import type { ArchiveStore } from "./store.ts";

/** The R2 API token's key pair, and where R2's S3 API is when it is not the account's default endpoint. */
export const R2_CREDENTIAL_VARS = ["R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY"] as const;

/**
 * The archive bucket of the account, when wrangler.toml names one and the R2 key pair is set; undefined otherwise
 * (`archiveOf` then says which is missing). The S3 client is imported only here, for `--remote`.
 */
export async function remoteArchive(
  bucket: string | undefined,
  accountId: string,
  env: NodeJS.ProcessEnv,
): Promise<ArchiveStore | undefined> {
  const accessKeyId = env.R2_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.R2_SECRET_ACCESS_KEY?.trim();
  if (!bucket || !accessKeyId || !secretAccessKey) return undefined;
  const endpoint = env.STYLIST_R2_ENDPOINT?.trim();
  const { s3ArchiveStore } = await import("./r2-s3-store.ts");
  return s3ArchiveStore({
    accountId,
    bucket,
    accessKeyId,
    secretAccessKey,
    ...(endpoint ? { endpoint } : {}),
  });
}
