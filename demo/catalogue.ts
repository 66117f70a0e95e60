import type { Catalogue } from "../src/core/schema/catalogue.ts";
import { products } from "./storefront/catalogue/index.ts";
import { productImagePath } from "./storefront/product-image.ts";

/** The sample shop's products as Stylist's KV catalogue, for product lists and a product page's category. */
export function demoCatalogue(): Catalogue {
  return {
    products: products.map((product) => ({
      slug: product.slug,
      name: product.name,
      url: `/products/${product.slug}`,
      image: productImagePath(product.slug),
      price: product.pricePence,
      currency: "GBP",
      category: product.category,
      brand: product.brand,
    })),
  };
}
