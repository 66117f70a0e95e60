import { DEMO_BANDIT, DEMO_BROKEN_SPLIT } from "./autopilot-history.ts";
import type { Demo } from "./run-demo.ts";
import { DEMO_ARCHIVE_BUFFER_SECONDS } from "./wrangler-process.ts";

const PRODUCT = "/products/skarn-fellrunner-6";

/** What a new user should try first, printed once the stack is up. */
export function tour(demo: Demo): string {
  const proxy = demo.proxyUrl;
  // simulate fetches from wrangler.toml's ORIGIN_URL unless told otherwise.
  const origin = demo.originUrl === "http://127.0.0.1:8788" ? "" : ` --origin ${demo.originUrl}`;
  const sinkFlag = demo.sink === "r2" ? " --sink r2" : "";
  // The archive buffer gathers events into files: the demo's writes a file DEMO_ARCHIVE_BUFFER_SECONDS after them.
  const delay =
    demo.sink === "r2"
      ? `the queue and the archive buffer within about ${DEMO_ARCHIVE_BUFFER_SECONDS + 5} seconds`
      : "the queue within a couple of seconds";
  const where =
    demo.sink === "r2"
      ? "the local R2 archive as Parquet files; `npx stylist report --sink r2` reads them with DuckDB"
      : "local D1";
  // The tick's two versions follow the one npm start pushed, unless the user pushed since.
  const pushed = demo.pushedVersion;
  const before = pushed ?? "N";
  const after = pushed === undefined ? "N+2" : pushed + 2;
  const versionHint =
    pushed === undefined
      ? ""
      : `      (the tick writes versions ${pushed + 1} and ${after} if you pushed nothing since)`;
  const r2Note =
    demo.sink === "r2" ? " It reads its statistics from D1: run plain npm start for this step." : "";
  return `
Stylist demo is running (rules version ${demo.pushedVersion ?? "?"} active in local KV).

  Through Stylist:      ${proxy}/
  The origin, as is:    ${demo.originUrl}/

Try this:

 1. Open ${proxy}/ — you are a new visitor, bucketed into "home-hero-promise" (50/50).
    Control:  the hero says "Gear for every fell and fjord" (byte-identical to the origin).
    Variant:  "Fell-tested kit, at your door tomorrow", a delivery line and an outlined button.
    Reload: same arm every time (your signed stylist_vid cookie). A private window is a new visitor.

 2. From a terminal, five fresh visitors (no cookie jar), then one returning visitor. curl must say it is a
    browser (bots get the plain page and no cookie), and --compressed because, like Cloudflare, the local runtime
    may answer a client that names no encoding with gzip:
      UA="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"
      for i in 1 2 3 4 5; do curl -s --compressed -A "$UA" ${proxy}/ | grep -o '<h1>[^<]*</h1>'; done
      mkdir -p .tmp   # git-ignored: the cookie jar and pages below stay out of your checkout
      curl -s -A "$UA" -c .tmp/jar ${proxy}/ >/dev/null; curl -s --compressed -A "$UA" -b .tmp/jar ${proxy}/ | grep -o '<h1>[^<]*</h1>'

 3. A product page: ${proxy}${PRODUCT}
    80% of visitors are in "pdp-delivery-reassurance"; half of them see a delivery line under the basket button.

 4. See what was logged (exposures reach ${where} through ${delay}):
      npx stylist events${sinkFlag}            npx stylist events${sinkFlag} --json

 5. Ask what a visitor would get, with the rewritten HTML as a diff:
      npx stylist simulate --url ${proxy}/ --visitor 00000000000000000000000000000002${origin}
      npx stylist simulate --url "${proxy}${PRODUCT}" --header "User-Agent: iPhone" --city Keswick${origin}

 6. Three experiments share the USP bar in one layer (no visitor sees two); 5% of visitors are held back from
    all personalisation. Preview any arm from a link (never logged):
      npx stylist preview usp-social-proof rating --site ${proxy}

 7. Behaviour at the edge, with no client script: browse trail running twice, then go home. Half of such
    visitors (it is a test against a control) get a banner; ${proxy}/_stylist/why shows any visitor why.
      rm -f .tmp/jar; for p in /category/trail-running /category/trail-running /; do
        curl -s --compressed -A "$UA" -b .tmp/jar -c .tmp/jar ${proxy}$p > .tmp/page.html; done
      grep -o 'trail-banner">[^<]*' .tmp/page.html
    Ask about any visitor, with the condition that decided each audience:
      npx stylist simulate --url "${proxy}/?gclid=x" --sessions 2 --viewed trail-running=2 --header "User-Agent: iPhone"${origin}

 8. Change the rules and watch them go live (the demo re-reads rules every 2 s):
      edit rules/home.json, then:  npx stylist validate && npx stylist diff && npx stylist push -m "new headline"
      npx stylist history     npx stylist rollback     npx stylist kill home-hero-promise     npx stylist review
    The README walks through pausing, rolling out with a holdout and rolling back.

 9. Speed: the storefront marks its pages "public, max-age=60". Add "pageCache": { "enabled": true } to settings
    in rules/settings.json and push: a repeat view of the same arms is then served from the worker's memory, with no
    origin request and no rewrite (exposures are still logged). Arms that show a visitor's own values (placeholders,
    recently viewed products) are never kept. Watch the header on the second view:
      for i in 1 2; do curl -s -o /dev/null -D - --compressed -A "$UA" -b .tmp/jar ${proxy}/ | grep -i x-stylist-cache; done
    npm run bench and npm run bench:browser measure the cost against a plain proxy (docs/benchmarks.md).

10. Before a push (and in CI), verify: every arm of every experiment is rendered through the worker's own rewriter,
    parsed as a browser parses it, and loaded in Chromium (when installed) to see the page's own scripts keep it:
      npx stylist verify --experiment island-stock-urgency${origin}
    It fails on purpose: ${demo.originUrl}/lab/island has an island that its script re-renders from JSON, so the
    urgency line is put back to "12 left in your size" (while the exposure would still be logged), and the console
    shows the hydration error. Screenshots of both arms side by side are written to the page it prints.
    /lab/sizes (end tags left out) and /lab/legacy (windows-1252, named only in <meta>) are the other pages edge
    rewriters get wrong; check everything, with an example product for /products/* rules:
      npx stylist verify --page ${PRODUCT}${origin}

11. Recommendations learnt from the shop's own events, tested against a control: npm start seeded eight weeks of
    browsing and orders into local D1 and built a table from them. Half the product-page visitors in the
    "pdp-lists" layer get "Often bought together" where the control keeps the shop's bestsellers:
      npx stylist simulate --url "${proxy}${PRODUCT}" --visitor 00000000000000000000000000000009${origin}
    (it prints the table version and every score), then open ${proxy}/_stylist/why after a few product pages.
    Rebuild and publish from the events (the gates and the held-out-week evaluation are printed), or undo:
      npx stylist recommend build --sink d1     npx stylist recommend rollback
    docs/recommendations.md explains the method, the gates and how to read the test.

12. The autopilot: a scheduled check that pauses a broken experiment and moves a bandit's traffic, each action a
    rules version by "autopilot" with its reason.${r2Note} npm start seeded two experiments on category pages: the bandit
    "${DEMO_BANDIT}" (400 visitors an arm; "delivery" sells at 15%, the others at 5%) and
    "${DEMO_BROKEN_SPLIT}", a 50/50 test whose seeded split is broken (1,150 vs 850). Ask what it would do
    (the bandit reweights once its period is a minute old: "every": "1min" in rules/autopilot-demo.json):
      npx stylist autopilot --dry-run
    Run one tick of the Cron Trigger now; the demo prints the alert the webhook sends ("[autopilot alert] …"):
      curl -s ${proxy}/__scheduled
    See the two versions and their reasons, and what the reweight changed:
      npx stylist history${versionHint}
      npx stylist diff --from ${before} --to ${after}
    Undo either like any version: npx stylist kill ${DEMO_BROKEN_SPLIT} --revive, or npx stylist rollback.
    docs/autopilot.md explains the rules, the thresholds and the bandit.

Press Ctrl+C to stop.`;
}
