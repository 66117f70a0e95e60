import type { Product } from "../catalogue/index.ts";
import type { FixedDate } from "../format.ts";
import { createRng, type Rng } from "../prng.ts";

export interface Review {
  id: string;
  author: string;
  location: string;
  rating: number;
  title: string;
  body: string[];
  date: FixedDate;
  verifiedPurchase: boolean;
  helpfulVotes: number;
  usedFor: string;
  fit?: string;
  /** A reply from the shop, which real retailers add to critical reviews. */
  response?: string;
}

const FIRST_NAMES = [
  "Alice",
  "Ben",
  "Catriona",
  "Dafydd",
  "Eilidh",
  "Fraser",
  "Gwen",
  "Harry",
  "Isla",
  "Jamie",
  "Kirsty",
  "Liam",
  "Morag",
  "Niamh",
  "Owen",
  "Priya",
  "Rhys",
  "Sian",
  "Tom",
  "Una",
  "Vikram",
  "Wendy",
  "Yusuf",
  "Zoe",
  "Ailsa",
  "Callum",
  "Ffion",
  "Hamish",
  "Mairi",
  "Sanjay",
];
const INITIALS = "ABCDEFGHJKLMNOPRSTW";
const LOCATIONS = [
  "Keswick",
  "Kendal",
  "Fort William",
  "Betws-y-Coed",
  "Sheffield",
  "Edinburgh",
  "Hebden Bridge",
  "Aviemore",
  "Bristol",
  "Manchester",
  "Ambleside",
  "Leeds",
  "Inverness",
  "Brecon",
  "Hexham",
  "Glasgow",
  "Bath",
  "Cardiff",
  "Penrith",
  "Buxton",
  "Oban",
  "York",
  "London",
  "Norwich",
];

const USES: Record<string, readonly string[]> = {
  "trail-running": [
    "Fell running",
    "Ultra marathons",
    "Parkrun and local trails",
    "Mountain marathons",
    "Skyrunning",
    "Commuting",
  ],
  "hiking-boots": [
    "Hillwalking",
    "Long-distance paths",
    "Scrambling",
    "Winter walking",
    "Dog walking",
    "Backpacking",
  ],
  waterproofs: ["Hillwalking", "Commuting", "Cycling", "Mountaineering", "Dog walking", "Festivals"],
  camping: ["Wild camping", "Family camping", "Bikepacking", "Backpacking", "Festivals", "Car camping"],
};

const FITS = ["True to size", "True to size", "True to size", "Runs slightly small", "Runs slightly large"];
const SIZED_CATEGORIES = new Set(["trail-running", "hiking-boots", "waterproofs"]);

const TITLES: Record<number, readonly string[]> = {
  5: [
    "Brilliant bit of kit",
    "Best I have owned",
    "Worth every penny",
    "Exactly what I needed",
    "Superb",
    "Can't fault it",
    "Faultless on the hill",
    "Highly recommended",
  ],
  4: [
    "Very good, one small niggle",
    "Great value",
    "Does the job well",
    "Really pleased",
    "Solid and reliable",
    "Nearly perfect",
  ],
  3: ["Good but not great", "Decent, some compromises", "Mixed feelings", "OK for the price"],
  2: ["Disappointed", "Not for me", "Expected more"],
  1: ["Returned it", "Failed quickly", "Poor experience"],
};

const OPENERS: Record<number, readonly string[]> = {
  5: [
    "I bought the {name} after a lot of research and I have not been disappointed.",
    "This is my second {name}; the first one did years of hard service before I retired it.",
    "Used the {name} on a wet week in the Lakes and it performed brilliantly.",
    "I was recommended the {name} by the staff in the Keswick shop and they were spot on.",
  ],
  4: [
    "Really happy with the {name} overall.",
    "The {name} has been great on most of my outings so far.",
    "Good quality and well made, as I expected from {brand}.",
  ],
  3: [
    "The {name} is fine, but I expected a bit more at this price.",
    "Some things I like about the {name} and some I don't.",
  ],
  2: [
    "Unfortunately the {name} did not work out for me.",
    "I wanted to love the {name}, but it didn't suit me.",
  ],
  1: ["Sadly my {name} had a problem within a few weeks.", "Not what I hoped for from {brand}."],
};

const MIDDLES: Record<string, readonly string[]> = {
  "trail-running": [
    "It coped brilliantly with wet grass, bog and greasy rock on the Fairfield Horseshoe.",
    "Comfortable from the very first run, with no rubbing even after 20 miles.",
    "It has survived a very muddy winter season with no sign of wear.",
    "Light enough that I forgot about it after the first mile.",
    "It feels secure and doesn't bounce around on fast descents.",
    "Clearly designed by people who actually run off-road.",
  ],
  "hiking-boots": [
    "Comfortable from the first walk, with very little breaking in needed.",
    "My feet stayed dry through a full day of bog and stream crossings on Kinder.",
    "Wore them on the West Highland Way without a single blister.",
    "Held up well on rough, rocky descents in Snowdonia.",
    "Feels solid and well made, and has already done plenty of miles.",
    "Worth every penny for the comfort on long days.",
  ],
  waterproofs: [
    "Kept me completely dry through four hours of driving rain on Helvellyn.",
    "The hood moves with my head and doesn't blow off in strong wind.",
    "Breathes better than my last jacket on steep climbs.",
    "Packs down small enough to live in my rucksack all year round.",
    "The zips are easy to use with gloves on.",
    "Cut is long enough at the back to keep rain off when I bend over.",
  ],
  camping: [
    "Easy to pitch on my own, even in a stiff breeze.",
    "Stayed warm and dry through a properly stormy night above Buttermere.",
    "Packs down small and fits easily in my 40 litre rucksack.",
    "Well made, with sensible details that show it was designed by people who camp.",
    "Took it bikepacking in the Cairngorms and it coped with everything.",
    "Light enough for backpacking but doesn't feel flimsy.",
  ],
};

const NEGATIVES = [
  "The sizing was a little off compared with other {brand} kit I own.",
  "After a few months there is some wear showing sooner than I'd like.",
  "The colour was not quite what I expected from the photos.",
  "It is a touch heavier than the listed weight suggests.",
  "It took longer to arrive than the estimate, though customer service were helpful.",
  "I found the fit a bit narrow for my feet.",
];

const CLOSERS: Record<number, readonly string[]> = {
  5: [
    "Would buy again without hesitation.",
    "Highly recommend to anyone who spends time on the hill.",
    "Five stars from me.",
    "Great service from Fellside too.",
  ],
  4: ["Would still recommend.", "Four stars, but close to five.", "Happy with the purchase."],
  3: ["It's OK, but shop around.", "Might suit others better than me."],
  2: ["I returned it and the refund was quick at least.", "Not for me, sadly."],
  1: ["Returned for a refund, which was handled well.", "I'll be going back to my old kit."],
};

function fill(template: string, product: Product): string {
  return template.replaceAll("{name}", product.name).replaceAll("{brand}", product.brand);
}

// Ratings skew positive, as they do on real retail sites.
function pickRating(rng: Rng): number {
  const roll = rng.next();
  if (roll < 0.52) return 5;
  if (roll < 0.82) return 4;
  if (roll < 0.92) return 3;
  if (roll < 0.97) return 2;
  return 1;
}

function reviewBody(rng: Rng, product: Product, rating: number): string[] {
  const middles = MIDDLES[product.category] ?? MIDDLES.camping ?? [];
  const first = [fill(rng.pick(OPENERS[rating] ?? []), product), ...rng.sample(middles, rng.int(2, 4))];
  const paragraphs = [first.join(" ")];
  if (rating <= 4) paragraphs.push(fill(rng.pick(NEGATIVES), product));
  paragraphs.push(rng.pick(CLOSERS[rating] ?? []));
  return paragraphs;
}

const RESPONSE =
  "Thank you for taking the time to leave a review. We're sorry this didn't live up to expectations; our customer service team will be in touch by email to put things right.";

export function reviewsFor(product: Product): Review[] {
  const rng = createRng(`reviews:${product.slug}`);
  const count = rng.int(28, 36);
  // "Fit" only means something for kit that comes in more than one size.
  const sized = SIZED_CATEGORIES.has(product.category) && (product.sizes?.length ?? 2) > 1;
  const reviews: Review[] = [];
  for (let i = 0; i < count; i++) {
    const rating = pickRating(rng);
    reviews.push({
      id: `${product.slug}-r${String(i + 1).padStart(3, "0")}`,
      author: `${rng.pick(FIRST_NAMES)} ${rng.pick([...INITIALS])}.`,
      location: rng.pick(LOCATIONS),
      rating,
      title: rng.pick(TITLES[rating] ?? []),
      body: reviewBody(rng, product, rating),
      date: { year: rng.pick([2023, 2024, 2025]), month: rng.int(1, 12), day: rng.int(1, 28) },
      verifiedPurchase: rng.next() < 0.85,
      helpfulVotes: rng.int(0, 40),
      usedFor: rng.pick(USES[product.category] ?? ["General use"]),
      fit: sized ? rng.pick(FITS) : undefined,
      response: rating <= 2 ? RESPONSE : undefined,
    });
  }
  // Newest first, like the default sort on most review widgets.
  return reviews.sort(
    (a, b) =>
      b.date.year - a.date.year ||
      b.date.month - a.date.month ||
      b.date.day - a.date.day ||
      a.id.localeCompare(b.id),
  );
}

export function averageRating(reviews: readonly Review[]): number {
  if (reviews.length === 0) return 0;
  return Math.round((reviews.reduce((sum, review) => sum + review.rating, 0) / reviews.length) * 10) / 10;
}
