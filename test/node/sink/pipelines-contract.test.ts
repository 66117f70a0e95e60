import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventSchema, type StylistEvent } from "../../../src/core/schema/event.ts";
import { eventOfArchiveRow } from "../../../src/sink/archive-row.ts";
import {
  MAX_SEND_BYTES,
  pipelineSends,
  pipelinesSink,
  streamMismatch,
  streamSchema,
} from "../../../src/sink/pipelines-sink.ts";

/**
 * Cloudflare Pipelines has no local emulation, so this is the contract: exactly what the sink sends to the stream
 * binding, that it matches the stream's schema (which the structured stream enforces by dropping rows), and that
 * schema/pipelines-stream.json — the file given to `wrangler pipelines streams create` — is that schema.
 */
const EXPOSURE: StylistEvent = {
  id: "0b6c1f1e-7d0a-4f5e-9a43-3c1d2e4f5a6b",
  type: "exposure",
  ts: 1_796_508_755_517,
  visitor: "a".repeat(32),
  experiment: "home-hero-promise",
  variant: "promise",
  phase: 2,
  rulesVersion: 14,
  path: "/",
  device: "mobile",
  country: "GB",
  source: "paid",
  segments: ["keen-trail-runner"],
  period: 3,
};
const CONVERSION: StylistEvent = {
  id: "5d2e9b3c-1a4f-4b6d-8e7f-0a1b2c3d4e5f",
  type: "conversion",
  ts: 1_796_508_799_001,
  visitor: "a".repeat(32),
  goal: "purchase",
  value: 12_999,
  currency: "GBP",
  orderId: "FS-1042",
  reportedBy: "server",
  path: "/checkout/complete",
};

describe("the Pipelines stream contract", () => {
  it("sends an exposure and a conversion as exactly these flat records, in one send", () => {
    const { sends, refused } = pipelineSends([EXPOSURE, CONVERSION]);
    expect(refused).toEqual([]);
    expect(sends).toEqual([
      [
        {
          schema_version: 1,
          id: EXPOSURE.id,
          type: "exposure",
          ts: 1_796_508_755_517,
          visitor: "a".repeat(32),
          path: "/",
          device: "mobile",
          country: "GB",
          source: "paid",
          experiment: "home-hero-promise",
          variant: "promise",
          phase: 2,
          rules_version: 14,
          segments: '["keen-trail-runner"]',
          goal: null,
          value: null,
          currency: null,
          order_id: null,
          reported_by: null,
          products: null,
          period: 3,
        },
        {
          schema_version: 1,
          id: CONVERSION.id,
          type: "conversion",
          ts: 1_796_508_799_001,
          visitor: "a".repeat(32),
          path: "/checkout/complete",
          device: null,
          country: null,
          source: null,
          experiment: null,
          variant: null,
          phase: null,
          rules_version: null,
          segments: null,
          goal: "purchase",
          value: 12_999,
          currency: "GBP",
          order_id: "FS-1042",
          reported_by: "server",
          products: null,
          period: null,
        },
      ],
    ]);
  });

  it("schema/pipelines-stream.json is the schema the records are checked against", () => {
    const file = JSON.parse(readFileSync("schema/pipelines-stream.json", "utf8"));
    expect(file, "regenerate: npx stylist archive stream-schema > schema/pipelines-stream.json").toEqual(
      streamSchema(),
    );
  });

  it("every event the consumer accepts becomes a record the stream accepts, and reads back as the same event", () => {
    const event = fc.oneof(
      fc.record(
        {
          id: fc.uuid({ version: 4 }),
          type: fc.constantFrom("exposure" as const, "miss" as const),
          ts: fc.integer({ min: 1, max: 4_102_444_800_000 }),
          visitor: fc.stringMatching(/^[0-9a-f]{32}$/),
          path: fc.string({ maxLength: 512 }),
          device: fc.constantFrom("mobile" as const, "tablet" as const, "desktop" as const),
          country: fc.stringMatching(/^[A-Z0-9]{2}$/),
          source: fc.string({ maxLength: 100 }),
          experiment: fc.string({ maxLength: 63 }),
          variant: fc.string({ maxLength: 63 }),
          phase: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
          rulesVersion: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          segments: fc.array(fc.string({ maxLength: 63 }), { maxLength: 20 }),
          period: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        },
        {
          requiredKeys: [
            "id",
            "type",
            "ts",
            "visitor",
            "path",
            "device",
            "experiment",
            "variant",
            "phase",
            "rulesVersion",
          ],
        },
      ),
      fc.record(
        {
          id: fc.uuid({ version: 4 }),
          type: fc.constant("conversion" as const),
          ts: fc.integer({ min: 1, max: 4_102_444_800_000 }),
          visitor: fc.stringMatching(/^[0-9a-f]{32}$/),
          path: fc.string({ maxLength: 512 }),
          goal: fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,62}$/),
          value: fc.integer({ min: 0, max: 100_000_000_00 }),
          currency: fc.stringMatching(/^[A-Z]{3}$/),
          orderId: fc.string({ minLength: 1, maxLength: 100 }),
          reportedBy: fc.constantFrom("page" as const, "browser" as const, "server" as const),
        },
        { requiredKeys: ["id", "type", "ts", "visitor", "path", "goal"] },
      ),
    );
    fc.assert(
      fc.property(event, (candidate) => {
        const parsed = EventSchema.safeParse(candidate);
        fc.pre(parsed.success);
        const valid = parsed.data as StylistEvent;
        const { sends, refused } = pipelineSends([valid]);
        expect(refused).toEqual([]);
        const record = sends[0]?.[0] as Record<string, unknown>;
        expect(streamMismatch(record)).toBeUndefined();
        expect(EventSchema.parse(eventOfArchiveRow(record))).toEqual(valid);
      }),
    );
  });

  it("names what a structured stream would drop: an unknown field, a missing required one, a wrong type", () => {
    const record = pipelineSends([EXPOSURE]).sends[0]?.[0] as Record<string, unknown>;
    expect(streamMismatch({ ...record, ip: "203.0.113.9" })).toBe("ip: not in the stream schema");
    expect(streamMismatch({ ...record, visitor: null })).toBe("visitor: required");
    expect(streamMismatch({ ...record, phase: "2" })).toBe("phase: not an int32");
    expect(streamMismatch({ ...record, phase: 2 ** 31 })).toBe("phase: not an int32");
    expect(streamMismatch({ ...record, ts: 1.5 })).toBe("ts: not an int64");
    expect(streamMismatch({ ...record, goal: 7 })).toBe("goal: not a string");
  });

  it("refuses an event the stream would drop and still sends the others", () => {
    const tooBig = { ...EXPOSURE, id: "9b6c1f1e-7d0a-4f5e-9a43-3c1d2e4f5a6b", phase: 2 ** 31 };
    const { sends, refused } = pipelineSends([tooBig, CONVERSION]);
    expect(refused).toEqual([{ id: tooBig.id, reason: "phase: not an int32" }]);
    expect(sends.flat().map((record) => record.id)).toEqual([CONVERSION.id]);
  });

  it("splits a large batch into sends under the 1 MB request limit, keeping order and every event once", () => {
    const events = Array.from({ length: 10_000 }, (_, i) => ({
      ...EXPOSURE,
      id: `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`,
      path: `/products/${"x".repeat(i % 300)}`,
    }));
    const { sends } = pipelineSends(events);
    expect(sends.length).toBeGreaterThan(1);
    for (const records of sends) expect(JSON.stringify(records).length).toBeLessThanOrEqual(MAX_SEND_BYTES);
    expect(sends.flat().map((record) => record.id)).toEqual(events.map((event) => event.id));
  });

  it("hands the binding each send in turn, and a failed send fails the write so the batch is retried", async () => {
    const received: unknown[][] = [];
    await pipelinesSink({ send: async (records) => void received.push(records) }, () => {}).write([
      EXPOSURE,
      CONVERSION,
    ]);
    expect(received.flat().map((record) => (record as { id: string }).id)).toEqual([
      EXPOSURE.id,
      CONVERSION.id,
    ]);
    const failing = pipelinesSink({ send: () => Promise.reject(new Error("stream unavailable")) }, () => {});
    await expect(failing.write([EXPOSURE])).rejects.toThrow("stream unavailable");
  });
});
