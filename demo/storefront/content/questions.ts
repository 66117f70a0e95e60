import type { Product } from "../catalogue/index.ts";
import { createRng } from "../prng.ts";

export interface Question {
  question: string;
  askedBy: string;
  answer: string;
}

const POOL: Record<string, readonly (readonly [string, string])[]> = {
  "trail-running": [
    [
      "Is this suitable for road running too?",
      "It will cope with short road sections between trails, but the lugs will wear faster on tarmac. For mostly road running we'd suggest a hybrid model.",
    ],
    [
      "Does it meet FRA kit requirements?",
      "Used with the rest of the mandatory kit list, yes. Always check the specific race's rules, as some events require taped seams or a hood.",
    ],
    [
      "How does the sizing compare with road shoes?",
      "Most customers take the same size. If you run in thick socks or have wide feet, consider going up half a size.",
    ],
    [
      "Can I wash it in the machine?",
      "We recommend hand washing in cold water and air drying, which will keep it in good shape for longer.",
    ],
    [
      "Is it good for winter running?",
      "Yes, with the right socks and layers. For icy conditions, pair it with lightweight running spikes.",
    ],
    [
      "Will it fit a 2 litre bladder?",
      "Bladders are not really what this is designed for; soft flasks at the front are easier to refill and keep the weight balanced.",
    ],
  ],
  "hiking-boots": [
    [
      "Do these need breaking in?",
      "Very little. We'd still recommend a few short walks before a big trip so your feet get used to them.",
    ],
    [
      "Are they suitable for crampons?",
      "Check the crampon rating in the specifications. C1 boots take flexible strap-on crampons; B2 boots take semi-automatics.",
    ],
    [
      "Can they be resoled?",
      "Many of our leather boots can be resoled by our Kendal workshop. Ask in store and we'll check your pair.",
    ],
    [
      "I have wide feet. Will these fit?",
      "Our fitting team can help: call us or pop into a shop. Some models come in a wide fit, and lacing techniques can help too.",
    ],
    [
      "How should I clean them?",
      "Brush off dried mud, rinse with lukewarm water and let them dry naturally. Re-proof every few weeks of regular use.",
    ],
    [
      "Are they vegan?",
      "Leather models are not. Our synthetic boots use no animal-derived materials; check the specifications for the upper.",
    ],
  ],
  waterproofs: [
    [
      "Is this fully waterproof or just water resistant?",
      "It is fully waterproof, with taped seams. Keep the outer fabric clean and re-proofed so it keeps breathing well.",
    ],
    [
      "Will a helmet fit under the hood?",
      "Check the hood description in the specifications: helmet-compatible hoods are labelled as such.",
    ],
    [
      "Can I tumble dry it?",
      "Follow the care label. Many waterproofs benefit from a short, low-heat tumble to reactivate the water-repellent finish.",
    ],
    [
      "How does it fit over a fleece?",
      "There's room for a mid-layer fleece in your usual size. If you wear a bulky insulated jacket underneath, size up.",
    ],
    ["Is the fabric PFC free?", "Yes, all the waterproofs we sell use PFC-free water repellency."],
    ["Does it pack into its own pocket?", "See the feature list; smaller, lighter shells usually do."],
  ],
  camping: [
    [
      "Is it suitable for wild camping in Scotland?",
      "Yes, it's popular with our customers for wild camping. Choose a sheltered pitch and use all the guy-lines in strong wind.",
    ],
    ["Does it come with a stuff sack?", "Yes, everything you need to pack it away is included."],
    [
      "How long does it take to set up?",
      "Most customers are set up within ten minutes after a practice pitch at home.",
    ],
    [
      "Can I buy spare parts?",
      "Yes, our repair team stock spare parts and can repair most damage in our Kendal workshop.",
    ],
    [
      "Is it OK to use in winter?",
      "Check the season rating in the specifications. For winter, pair it with a warmer sleeping system and a well-insulated mat.",
    ],
    [
      "Is it compatible with standard gas cartridges?",
      "Stoves use standard screw-thread cartridges, which are widely available in UK outdoor shops.",
    ],
  ],
};

const ASKERS = [
  "Jo from Penrith",
  "Mark from Derby",
  "Ana from Ullapool",
  "Chris from Leeds",
  "Sam from Bangor",
  "Priya from Reading",
  "Rob from Perth",
];

export function questionsFor(product: Product): Question[] {
  const rng = createRng(`questions:${product.slug}`);
  const pool = POOL[product.category] ?? [];
  return rng.sample(pool, rng.int(4, pool.length)).map(([question, answer]) => ({
    question,
    askedBy: rng.pick(ASKERS),
    answer: `${answer} (Answered by the Fellside team.)`,
  }));
}
