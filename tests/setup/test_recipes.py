"""The scheduling recipes in docs/scheduling.md hold: the cron wrapper treats the lock's exit 75
as success and stays quiet, the systemd units verify, the CronJob has the fields it relies on."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

RECIPES = (ROOT / "docs" / "scheduling.md").read_text()


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", RECIPES, re.S)


def stub(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)


@pytest.mark.parametrize(
    ("exit_code", "says", "expected_code", "expected_out"),
    [
        (0, "", 0, ""),
        (75, "error: another track sync holds the lock", 0, ""),
        (1, "gh: failed: one item", 1, "gh: failed: one item\n"),
        (0, "gh: created #4  A measure", 0, "gh: created #4  A measure\n"),
    ],
)
def test_the_cron_wrapper_is_quiet_on_the_lock_and_passes_failures_on(
    tmp_path: Path, exit_code: int, says: str, expected_code: int, expected_out: str
) -> None:
    [script] = [b for b in blocks("sh") if "track-cron" in b]
    stub(tmp_path, "git", "exit 0")
    stub(tmp_path, "track", f"[ -n '{says}' ] && echo '{says}' >&2\nexit {exit_code}")
    (tmp_path / "track-cron").write_text(script)
    done = subprocess.run(
        ["sh", str(tmp_path / "track-cron")],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"},
        timeout=30,
    )
    assert (done.returncode, done.stdout, done.stderr) == (expected_code, expected_out, "")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_the_systemd_units_verify(tmp_path: Path) -> None:
    units = {}
    for block in blocks("ini"):
        name = Path(block.splitlines()[0].removeprefix("# ")).name
        track = shutil.which("track") or str(Path(sys.executable).with_name("track"))
        text = block.replace("/usr/local/bin/track", track)
        text = text.replace("/usr/bin/git", shutil.which("git") or "/usr/bin/git")
        (tmp_path / name).write_text(text)
        units[name] = text
    assert set(units) == {"track-sync.service", "track-sync.timer"}
    done = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / n) for n in sorted(units))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    ours = [line for line in done.stderr.splitlines() if "track-sync" in line]
    assert done.returncode == 0 and not ours, done.stderr
    assert "SuccessExitStatus=75" in units["track-sync.service"]


def test_the_cronjob_never_overlaps_and_reads_its_secrets() -> None:
    [manifest] = [yaml.safe_load(b) for b in blocks("yaml") if "CronJob" in b]
    spec = manifest["spec"]
    assert manifest["apiVersion"] == "batch/v1" and manifest["kind"] == "CronJob"
    assert spec["concurrencyPolicy"] == "Forbid"
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    [sync] = pod["containers"]
    assert sync["args"][0] == "sync" and "--config" in sync["args"]
    env = {e["name"]: e for e in sync["env"]}
    assert env["GH_TOKEN"]["valueFrom"]["secretKeyRef"]["name"] == "track"
    assert "secretKeyRef" in env["TRACK_DATABASE_URL"]["valueFrom"]
