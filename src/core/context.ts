import type { DEVICE_CLASSES } from "./schema/audience.ts";

export type DeviceClass = (typeof DEVICE_CLASSES)[number];

/** Everything the decision core may know about one page view. Built at the edge; plain data. */
export interface VisitorContext {
  visitorId: string;
  visitor: "new" | "returning";
  path: string;
  device: DeviceClass;
  country?: string;
  region?: string;
  city?: string;
  utm: { source?: string; medium?: string; campaign?: string };
  /** Milliseconds since the Unix epoch. */
  now: number;
}
