// The demo's island, hydrated the way a framework does it: render the component from its props and, when the
// server's markup is not what the component renders, report the mismatch and replace the markup with its own.
(() => {
  const escapeText = (text) => String(text).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  const normalise = (markup) => markup.replace(/>\s+</g, "><").trim();
  for (const root of document.querySelectorAll("[data-island]")) {
    const source = document.getElementById(`${root.id}-props`);
    if (!source) continue;
    const props = JSON.parse(source.textContent);
    const rendered = `<h2 class="stock-heading">${escapeText(props.heading)}</h2><p class="stock-line">${escapeText(props.line)}</p>`;
    const probe = document.createElement("div");
    probe.innerHTML = rendered;
    if (normalise(root.innerHTML) !== normalise(probe.innerHTML)) {
      console.error(
        `Hydration failed because the server-rendered HTML of #${root.id} does not match what the island renders; it was re-rendered on the client.`,
      );
      root.innerHTML = rendered;
    }
    root.setAttribute("data-hydrated", "");
  }
})();
