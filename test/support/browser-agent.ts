/**
 * A desktop Chrome user agent. Stylist serves known bots (Node's and curl's default agents among them) the origin
 * page without a cookie, so tests that play a visitor must say they are a browser.
 */
export const BROWSER_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
