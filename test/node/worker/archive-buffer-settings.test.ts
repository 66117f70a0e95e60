import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { archiveBufferSettingsOf, MAX_FILE_ROWS } from "../../../src/worker/archive-buffer-settings.ts";

describe("the archive buffer's settings", () => {
  it("defaults to 10,000 events or 5 minutes when unset or blank", () => {
    const defaults = { maxEvents: 10_000, maxAgeMs: 300_000 };
    expect(archiveBufferSettingsOf({})).toEqual(defaults);
    expect(archiveBufferSettingsOf({ ARCHIVE_BUFFER_EVENTS: " ", ARCHIVE_BUFFER_SECONDS: "" })).toEqual(
      defaults,
    );
  });

  it("takes any whole number in range, surrounding spaces allowed", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_FILE_ROWS }),
        fc.integer({ min: 1, max: 86_400 }),
        (events, seconds) => {
          expect(
            archiveBufferSettingsOf({
              ARCHIVE_BUFFER_EVENTS: ` ${events}`,
              ARCHIVE_BUFFER_SECONDS: `${seconds} `,
            }),
          ).toEqual({ maxEvents: events, maxAgeMs: seconds * 1000 });
        },
      ),
    );
  });

  it("refuses, naming the setting, anything else: zero, fractions, words, beyond the file or day limit", () => {
    for (const value of ["0", "-5", "2.5", "1e3x", "ten thousand", String(MAX_FILE_ROWS + 1)])
      expect(() => archiveBufferSettingsOf({ ARCHIVE_BUFFER_EVENTS: value })).toThrow(
        `ARCHIVE_BUFFER_EVENTS must be a whole number from 1 to ${MAX_FILE_ROWS}, not "${value}"`,
      );
    expect(() => archiveBufferSettingsOf({ ARCHIVE_BUFFER_SECONDS: "86401" })).toThrow(
      'ARCHIVE_BUFFER_SECONDS must be a whole number from 1 to 86400, not "86401"',
    );
  });
});
