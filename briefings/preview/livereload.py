"""Live reload for the preview server: server-sent events, and a small script injected into served
HTML (never into the files in site/). After a good rebuild open pages reload; after a failed one
they show an overlay with the file, line and message, cleared by the next good save. Articles a
build left out (their files have problems) are listed in a bar at the foot of open pages."""

from __future__ import annotations

import json
import threading

EVENTS_PATH = "/__briefings/events"

SCRIPT = """<script>
(() => {
  const source = new EventSource("%(events)s");
  let generation = null;
  // A box fixed over the page, with MESSAGE in it (none: the box goes); returns it, or null.
  function panel(id, role, css, message) {
    let box = document.getElementById(id);
    if (!message) { if (box) box.remove(); return null; }
    if (!box) {
      box = document.createElement("div");
      box.id = id;
      box.setAttribute("role", role);
      box.style.cssText = css;
      document.body.appendChild(box);
    }
    box.innerHTML = "";
    const text = document.createElement("pre");
    text.textContent = message;
    text.style.cssText = "white-space:pre-wrap;margin:0";
    box.append(text);
    return box;
  }
  function overlay(error) {
    const box = panel("briefings-overlay", "alert", "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.94);color:#fff;font:14px/1.5 ui-monospace,monospace;padding:2rem", error);
    if (!box) return;
    const title = document.createElement("h2");
    title.textContent = "Build failed: the last good version of this page is underneath";
    title.style.cssText = "color:#ff8a80;font:bold 16px system-ui,sans-serif;margin:0 0 1rem";
    box.prepend(title);
  }
  function banner(warning) {
    const bar = panel("briefings-warning", "status", "position:fixed;left:0;right:0;bottom:0;z-index:2147483646;max-height:40vh;overflow:auto;background:#fff3cd;color:#3d2e00;border-top:2px solid #e0a800;font:13px/1.5 ui-monospace,monospace;padding:.75rem 2.5rem .75rem 1rem", warning);
    if (!bar) return;
    const close = document.createElement("button");
    close.textContent = "\u00d7";
    close.setAttribute("aria-label", "Hide");
    close.style.cssText = "position:absolute;top:.25rem;right:.5rem;border:0;background:none;font:20px system-ui,sans-serif;cursor:pointer;color:inherit";
    close.onclick = () => bar.remove();
    bar.append(close);
  }
  source.addEventListener("state", (event) => {
    const state = JSON.parse(event.data);
    if (generation !== null && state.generation !== generation) { location.reload(); return; }
    generation = state.generation;
    overlay(state.error);
    banner(state.warning);
  });
})();
</script>"""


class LiveState:
    """The last build's outcome, and a way for event streams to wait for the next one."""

    def __init__(self, generation: int = 0, error: str | None = None) -> None:
        self.generation = generation
        self.error = error
        self.warning: str | None = None  # the articles the last build left out, and why
        self.version = 0  # bumps on every change of generation or error
        self.changed = threading.Condition()

    def publish(self, generation: int, error: str | None, warning: str | None = None) -> None:
        with self.changed:
            self.generation, self.error, self.warning = generation, error, warning
            self.version += 1
            self.changed.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        """Block until the version differs from SEEN or TIMEOUT passes; returns the version."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen, timeout)
            return self.version

    def event(self) -> bytes:
        data = json.dumps(
            {"generation": self.generation, "error": self.error, "warning": self.warning}
        )
        return f"event: state\ndata: {data}\n\n".encode()


def inject(html: bytes) -> bytes:
    """HTML with the live-reload script before its closing body tag."""
    script = (SCRIPT % {"events": EVENTS_PATH}).encode()
    index = html.lower().rfind(b"</body>")
    return html[:index] + script + html[index:] if index >= 0 else html + script
