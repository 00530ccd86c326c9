import { h } from "./dom.js";

/**
 * The form that asks for the API's token, over the page, when the server answers 401: the token
 * `colony serve --token` (or COLONY_API_TOKEN) was started with.
 */
export function tokenPrompt(root: HTMLElement): (refused: boolean) => Promise<string> {
  return (refused) =>
    new Promise((resolve) => {
      const input = h("input", {
        attrs: { type: "password", name: "token", autocomplete: "off", "aria-label": "API token" },
      });
      const form = h(
        "form",
        { class: "token-form", data: { testid: "token-form" } },
        h("h2", {}, "This colony serve needs its token"),
        h(
          "p",
          {},
          refused
            ? "That token was refused. Enter the token the server was started with:"
            : "Enter the token `colony serve` was started with (--token or COLONY_API_TOKEN):",
        ),
        input,
        h("button", { attrs: { type: "submit" } }, "open"),
      );
      const overlay = h("div", { class: "overlay" }, form);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        if (input.value === "") return;
        overlay.remove();
        resolve(input.value);
      });
      root.append(overlay);
      input.focus();
    });
}
