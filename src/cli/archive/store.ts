import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

/**
 * The archive's objects, wherever they are: the R2 bucket (locally the one `wrangler dev` emulates, opened through
 * wrangler's platform proxy) or a directory laid out the same way (a synced copy, tests). Keys are the bucket's
 * (`events/dt=…/type=…/part-….parquet`).
 */
export interface ArchiveStore {
  list(prefix: string): Promise<Array<{ key: string; size: number }>>;
  get(key: string): Promise<Uint8Array | undefined>;
  /** Replaces the object whole: readers see the old file or the new one, never a mix. */
  put(key: string, body: Uint8Array): Promise<void>;
  delete(keys: readonly string[]): Promise<void>;
}

/** The slice of R2Bucket used (the platform proxy's bucket and workerd's have it). */
export interface R2Like {
  list(options: { prefix: string; cursor?: string; limit?: number }): Promise<{
    objects: Array<{ key: string; size: number }>;
    truncated: boolean;
    cursor?: string;
  }>;
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null>;
  put(key: string, body: Uint8Array, options?: { httpMetadata?: { contentType?: string } }): Promise<unknown>;
  delete(keys: string | string[]): Promise<void>;
}

export function r2Store(bucket: R2Like): ArchiveStore {
  return {
    async list(prefix) {
      const found: Array<{ key: string; size: number }> = [];
      let cursor: string | undefined;
      do {
        const page = await bucket.list({ prefix, limit: 1000, ...(cursor ? { cursor } : {}) });
        for (const object of page.objects) found.push({ key: object.key, size: object.size });
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
      return found;
    },
    async get(key) {
      const object = await bucket.get(key);
      return object ? new Uint8Array(await object.arrayBuffer()) : undefined;
    },
    async put(key, body) {
      await bucket.put(key, body, { httpMetadata: { contentType: "application/vnd.apache.parquet" } });
    },
    async delete(keys) {
      // R2 deletes at most 1,000 keys per call.
      for (let start = 0; start < keys.length; start += 1000)
        await bucket.delete(keys.slice(start, start + 1000));
    },
  };
}

export function directoryStore(root: string): ArchiveStore {
  const walk = (dir: string): string[] => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    return names.flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  };
  const keyOf = (path: string) => relative(root, path).split(sep).join("/");
  return {
    async list(prefix) {
      return walk(root)
        .map((path) => ({ key: keyOf(path), size: statSync(path).size }))
        .filter((object) => object.key.startsWith(prefix))
        .sort((a, b) => a.key.localeCompare(b.key));
    },
    async get(key) {
      try {
        return new Uint8Array(readFileSync(join(root, key)));
      } catch {
        return undefined;
      }
    },
    async put(key, body) {
      mkdirSync(dirname(join(root, key)), { recursive: true });
      // Written beside, then renamed over: a reader never sees half a file.
      const temporary = join(root, `${key}.partial`);
      writeFileSync(temporary, body);
      renameSync(temporary, join(root, key));
    },
    async delete(keys) {
      for (const key of keys) rmSync(join(root, key), { force: true });
    },
  };
}
