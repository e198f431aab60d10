// The change-request editor: a live preview and the format check while typing. Saving works
// without this script (the form posts the Markdown); this only shows results sooner.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.editor");
  if (!form) return;
  const textarea = form.querySelector("textarea[name=markdown]");
  const preview = document.getElementById("preview");
  const problems = document.getElementById("problems");
  const csrf = form.querySelector("input[name=csrf]").value;
  let timer = null;
  let latest = 0;

  const show = (data) => {
    preview.innerHTML = data.html; // sanitised by the server
    problems.replaceChildren();
    if (data.problems.length === 0) {
      const ok = document.createElement("p");
      ok.className = "ok";
      ok.textContent = problems.dataset.ok || "✓";
      problems.append(ok);
      textarea.removeAttribute("aria-invalid");
      return;
    }
    const list = document.createElement("ul");
    for (const p of data.problems) {
      const item = document.createElement("li");
      item.textContent = `${problems.dataset.line} ${p.line}: ${p.message}`;
      list.append(item);
    }
    problems.append(list);
    textarea.setAttribute("aria-invalid", "true");
  };

  const refresh = async () => {
    const ticket = ++latest;
    try {
      const response = await fetch(form.dataset.preview, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ code: form.dataset.code, markdown: textarea.value }),
      });
      if (response.ok && ticket === latest) show(await response.json());
    } catch (_) {
      // Offline or signed out: the preview stays as it was; saving still reports problems.
    }
  };

  problems.dataset.ok = (problems.querySelector(".ok") || {}).textContent || "✓";
  textarea.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
});
