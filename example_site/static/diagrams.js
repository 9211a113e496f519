// Draws the page's ```mermaid diagrams with the script sitegen serves at /mermaid.js.
window.mermaid.initialize({
  startOnLoad: true,
  theme: matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "default",
});
