import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseListPage, s3ArchiveStore } from "../../../../src/cli/archive/r2-s3-store.ts";
import { type FakeR2, startFakeR2 } from "../../../support/fake-r2-s3.ts";

const KEYS = { accessKeyId: "r2-test-key-id", secretAccessKey: "r2-test-secret-4f1c" };
let fake: FakeR2;

beforeAll(async () => {
  fake = await startFakeR2({ bucket: "stylist-archive", ...KEYS, pageSize: 2 });
});
afterAll(() => fake.close());

const store = (overrides: Partial<Parameters<typeof s3ArchiveStore>[0]> = {}) =>
  s3ArchiveStore({
    accountId: "acct",
    bucket: "stylist-archive",
    endpoint: fake.endpoint,
    ...KEYS,
    ...overrides,
  });

describe("the archive over R2's S3 API (remote mode)", () => {
  it("writes, lists across continuation pages, reads and deletes objects with signed requests", async () => {
    const archive = store();
    const keys = [
      "events/dt=2026-12-01/type=exposure/part-a.parquet",
      "events/dt=2026-12-01/type=exposure/part-b.parquet",
      "events/dt=2026-12-02/type=conversion/part-c.parquet",
      "other/x.parquet",
    ];
    for (const [index, key] of keys.entries()) await archive.put(key, new Uint8Array([index, 1, 2]));
    const listed = await archive.list("events/");
    expect(listed).toEqual(keys.slice(0, 3).map((key) => ({ key, size: 3 })));
    expect(fake.requests.filter((request) => request.method === "GET" && request.key === "").length).toBe(2);
    expect(await archive.get(keys[2] as string)).toEqual(new Uint8Array([2, 1, 2]));
    expect(await archive.get("events/missing.parquet")).toBeUndefined();
    await archive.delete(keys.slice(0, 2));
    expect((await archive.list("events/")).map((object) => object.key)).toEqual([keys[2]]);
    expect(fake.requests.every((request) => request.status < 400 || request.status === 404)).toBe(true);
  });

  it("keeps keys with spaces, plus signs and non-ASCII intact through signing and listing", async () => {
    const archive = store();
    const key = "events/dt=2026-12-03/type=exposure/part 1+café&.parquet";
    await archive.put(key, new Uint8Array([7]));
    expect(await archive.get(key)).toEqual(new Uint8Array([7]));
    expect((await archive.list("events/dt=2026-12-03/")).map((object) => object.key)).toEqual([key]);
  });

  it("names the credentials when R2 refuses the signature, and never prints the secret", async () => {
    const archive = store({ secretAccessKey: "wrong-secret" });
    const failure = await archive.list("events/").catch((error: Error) => error);
    expect(String(failure)).toMatch(
      /HTTP 403 SignatureDoesNotMatch.*R2_ACCESS_KEY_ID and R2_SECRET_ACCESS_KEY/,
    );
    expect(String(failure)).not.toContain("wrong-secret");
  });

  it("says which bucket is missing rather than reading it as empty", async () => {
    const failure = await store({ bucket: "no-such-bucket" })
      .list("events/")
      .catch((error: Error) => error);
    expect(String(failure)).toContain("HTTP 404 NoSuchBucket");
  });
});

describe("reading a ListObjectsV2 page", () => {
  it("decodes XML entities in keys and continuation tokens", () => {
    const page = parseListPage(
      "<ListBucketResult><Contents><Key>a&amp;b&#233;.parquet</Key><Size>12</Size></Contents><IsTruncated>true</IsTruncated><NextContinuationToken>t&lt;1</NextContinuationToken></ListBucketResult>",
    );
    expect(page).toEqual({ objects: [{ key: "a&bé.parquet", size: 12 }], next: "t<1" });
  });

  it("refuses an object entry with no size instead of listing it as empty", () => {
    expect(() => parseListPage("<Contents><Key>a</Key></Contents>")).toThrow(/without a key or size/);
  });
});
