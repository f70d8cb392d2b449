"""The console's weight and its time to first render on the local stack, in headless Chromium.

Bundle: every file of console/ (no build step: what the browser loads is what is committed), in
bytes and gzip-compressed as CloudFront serves it. Render, per run in a fresh browser profile
(nothing cached): the sign-in page's first contentful paint (static files only, the baseline),
and the signed-in messages list: the moment its first row is on screen, after /api/account and
/api/messages have answered. Printed: medians and the list's ratio to the baseline; the number
of requests it took. Run: `make bench` (7 runs); `--short` (3 runs) is make test's form, and
`--figures PATH` writes the figures as JSON (tests/integration/test_bench_gates.py gates the
deterministic ones: bytes and requests, never milliseconds).
"""

import argparse
import gzip
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "layers/common")]

import requests  # noqa: E402

from tests.browser.conftest import CHROMEDRIVER, CHROMIUM, start_browser  # noqa: E402
from tests.e2e.targets import ROOT, devstack  # noqa: E402

CONSOLE = ROOT / "console"
# Resolves once the list's first row is painted: its time since navigation began, and the requests.
LIST_RENDERED = """
const done = arguments[arguments.length - 1];
(function wait() {
  if (document.querySelector('#messages tbody tr')) {
    requestAnimationFrame(() => done({at: performance.now(),
      requests: 1 + performance.getEntriesByType('resource').length}));
  } else { setTimeout(wait, 5); }
})();
"""
FIRST_PAINT = """
const done = arguments[arguments.length - 1];
(function wait() {
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  if (paint) done(paint.startTime); else setTimeout(wait, 5);
})();
"""


def bundle() -> dict[str, int]:
    files = [path for path in CONSOLE.rglob("*") if path.is_file()]
    raw = sum(path.stat().st_size for path in files)
    compressed = sum(len(gzip.compress(path.read_bytes(), 9)) for path in files)
    return {"files": len(files), "bytes": raw, "gzip_bytes": compressed}


def render_once(stack: dict[str, Any], workdir: Path) -> dict[str, float]:
    driver = start_browser(workdir)
    try:
        driver.set_script_timeout(30)
        driver.get(f"{stack['api_url']}/console/")
        first_paint = float(driver.execute_async_script(FIRST_PAINT))
        # Signed in as the console signs in (the key in the tab's session storage), then a cold load.
        driver.execute_script("sessionStorage.setItem('sendme.apiKey', arguments[0])", stack["api_key"])
        driver.get("about:blank")
        driver.execute_script("window.performance.clearResourceTimings()")
        driver.get(f"{stack['api_url']}/console/#/messages")
        listed = driver.execute_async_script(LIST_RENDERED)
        return {"first_paint_ms": first_paint, "list_ms": float(listed["at"]), "requests": float(listed["requests"])}
    finally:
        driver.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--short", action="store_true", help="3 runs instead of 7")
    parser.add_argument("--figures", type=Path, help="write the figures as JSON here")
    arguments = parser.parse_args()
    sizes = bundle()
    print(f"bundle: {sizes['files']} files, {sizes['bytes']:,} bytes, {sizes['gzip_bytes']:,} bytes gzip")
    runs = 3 if arguments.short else 7
    with tempfile.TemporaryDirectory() as scratch, devstack(Path(scratch), "--port", "0") as stack:
        # One message, so the list has a row to paint.
        requests.post(
            f"{stack['api_url']}/api/messages/sms/contacts",
            json={"message": "bench", "contacts": ["+573001234567"]},
            headers={"api-key": stack["api_key"]},
            timeout=30,
        ).raise_for_status()
        samples = [render_once(stack, Path(scratch) / f"profile-{n}") for n in range(runs)]
    print("runs (first paint, list):", ", ".join(f"{s['first_paint_ms']:.0f}/{s['list_ms']:.0f} ms" for s in samples))
    first_paint = statistics.median(sample["first_paint_ms"] for sample in samples)
    listed = statistics.median(sample["list_ms"] for sample in samples)
    request_counts = sorted({int(sample["requests"]) for sample in samples})
    print(f"sign-in page first contentful paint (baseline): median {first_paint:.0f} ms of {runs} cold loads")
    print(f"messages list first row on screen: median {listed:.0f} ms = {listed / first_paint:.2f}x the baseline")
    print(f"requests to the first row: {request_counts} (page, scripts, stylesheet, config.json, API)")
    if arguments.figures:
        figures = {**sizes, "runs": runs, "first_paint_ms": first_paint, "list_ms": listed, "requests": request_counts}
        arguments.figures.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        sys.exit(f"bench/console.py needs {CHROMIUM} and {CHROMEDRIVER}: `make browser` installs them")
    main()
