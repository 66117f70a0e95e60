import { d1Sink } from "../sink/d1-sink.ts";
import { pipelinesSink } from "../sink/pipelines-sink.ts";
import { r2Sink } from "../sink/r2-sink.ts";
import { type EventSink, sinkNameOf } from "../sink/sink.ts";
import { archiveBufferSettingsOf } from "./archive-buffer-settings.ts";
import { bufferedArchiveSink } from "./archive-buffer-sink.ts";
import type { Env } from "./env.ts";
import { logFault } from "./log.ts";

/**
 * The sink the `SINK` var chooses. A missing binding for the chosen sink is a deployment mistake: it throws, so the
 * consumer retries the batch (and it reaches the dead-letter queue) instead of dropping events or quietly writing
 * them somewhere else.
 */
export function sinkOf(env: Env): EventSink {
  const name = sinkNameOf(env.SINK);
  if (name === "r2") {
    if (!env.ARCHIVE) throw new Error('SINK = "r2" needs an R2 binding named ARCHIVE in wrangler.toml');
    // Without the buffer's binding (a config from before it), each consumer batch is written as it comes.
    if (!env.ARCHIVE_BUFFER) return r2Sink(env.ARCHIVE);
    archiveBufferSettingsOf(env); // a bad setting is a misconfiguration here, before anything is sent
    return bufferedArchiveSink(env.ARCHIVE_BUFFER);
  }
  if (name === "pipelines") {
    const stream = env.PIPELINE;
    if (!stream)
      throw new Error('SINK = "pipelines" needs a pipelines binding named PIPELINE in wrangler.toml');
    return pipelinesSink(stream, (refused) =>
      logFault("event_invalid", new Error("does not match the Pipelines stream schema"), { refused }),
    );
  }
  return d1Sink(env.DB);
}
