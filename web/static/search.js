// Results as you type on the search page, through the search API. Without this script the form
// still submits and the server renders the same results.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.live-search");
  if (!form) return;
  const input = form.querySelector("input[name=q]");
  const field = form.querySelector("select[name=field]");
  const results = document.getElementById("search-results");
  // The organisation's prefix of the page's links ("" in the reader's own).
  const base = form.dataset.base || "";
  let timer = null;
  let latest = 0;

  // The query the shown results answer is kept on the container, so a reader (or a test) can tell
  // an answer to what was typed last from one to a few letters before it.
  const render = (q, items) => {
    results.replaceChildren();
    results.dataset.query = q;
    if (items.length === 0) {
      const p = document.createElement("p");
      p.className = "empty";
      p.textContent = results.dataset.none || "—";
      results.append(p);
      return;
    }
    const list = document.createElement("ol");
    list.className = "results";
    for (const hit of items) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = `${base}/procedures/${encodeURIComponent(hit.code)}`;
      const code = document.createElement("span");
      code.className = "code";
      code.textContent = hit.code;
      a.append(code, ` ${hit.title}`);
      const meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = ` ${hit.field} · ${hit.revision}`;
      const snippet = document.createElement("p");
      snippet.className = "snippet";
      snippet.innerHTML = hit.snippet; // escaped by the server, matches in <b>
      li.append(a, meta, snippet);
      list.append(li);
    }
    results.append(list);
  };

  const run = async () => {
    const q = input.value.trim();
    const ticket = ++latest;
    if (q.length < 2) {
      results.removeAttribute("aria-busy");
      return;
    }
    const params = new URLSearchParams({ q, limit: "30" });
    if (field.value) params.set("field", field.value);
    results.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(`${form.dataset.api}?${params}`, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const items = (await response.json()).items;
      // An answer to an earlier query that arrives late must not replace the latest one.
      if (ticket !== latest) return;
      render(q, items);
      history.replaceState(null, "", `${base}/search?${new URLSearchParams({ q, field: field.value })}`);
    } catch (_) {
      // Keep the results shown; submitting the form still works.
    } finally {
      if (ticket === latest) results.removeAttribute("aria-busy");
    }
  };

  const empty = results.querySelector(".empty");
  if (empty) results.dataset.none = empty.textContent;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  };
  input.addEventListener("input", schedule);
  field.addEventListener("change", schedule);
});
