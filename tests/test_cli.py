"""The command line, in-process (fast) and as a real subprocess where exit codes matter."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from conftest import ROOT
from explorer.cli import main


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, env={**os.environ, **(env or {})})


def test_train_eval_sample_on_points(tmp_path, capsys):
    out = tmp_path / "vae"
    assert main(["train", "--model", "vae", "--dataset", "moons", "--steps", "30", "--batch-size", "128",
                 "--hidden", "32", "--out", str(out), "--quiet"]) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith("done: vae on moons, 30 steps") and "test_neg_elbo" in line
    assert main(["eval", "--run", str(out), "--iwae-k", "5"]) == 0
    metrics = json.loads(capsys.readouterr().out)
    assert metrics["model"] == "vae" and metrics["step"] == 30 and "test_iwae_nll" in metrics
    assert main(["sample", "--run", str(out), "--n", "100", "--out", str(tmp_path / "s.npy")]) == 0
    assert np.load(tmp_path / "s.npy").shape == (100, 2)
    assert main(["sample", "--run", str(out), "--n", "10", "--out", str(tmp_path / "s.png")]) == 1
    assert "--out must end in .npy" in capsys.readouterr().err


def test_resume_extends_a_run(tmp_path, capsys):
    out = tmp_path / "ae"
    args = ["train", "--model", "ae", "--dataset", "digits", "--hidden", "32", "--out", str(out), "--quiet"]
    assert main([*args, "--steps", "10"]) == 0
    assert main([*args, "--steps", "10"]) == 1
    assert "already holds a run" in capsys.readouterr().err
    assert main([*args, "--steps", "25", "--resume"]) == 0
    assert "25 steps" in capsys.readouterr().out


def test_image_samples_and_autoencoder_sampling_through_a_mixture(tmp_path, capsys):
    out = tmp_path / "ae"
    assert main(["train", "--model", "ae", "--dataset", "digits", "--steps", "20", "--hidden", "32",
                 "--out", str(out), "--quiet"]) == 0
    assert main(["sample", "--run", str(out), "--n", "16", "--out", str(tmp_path / "g.png")]) == 0
    assert "Gaussian mixture" in capsys.readouterr().out
    im = Image.open(tmp_path / "g.png")
    assert im.size[0] > 32


def test_cvae_sample_by_label(tmp_path, capsys):
    out = tmp_path / "cvae"
    assert main(["train", "--model", "cvae", "--dataset", "digits", "--steps", "5", "--hidden", "16",
                 "--out", str(out), "--quiet"]) == 0
    assert main(["sample", "--run", str(out), "--n", "4", "--label", "3", "--out", str(tmp_path / "c.png")]) == 0
    assert main(["sample", "--run", str(out), "--n", "4", "--label", "12", "--out", str(tmp_path / "c.png")]) == 1
    assert "--label must be in 0..9" in capsys.readouterr().err


@pytest.mark.parametrize("args,needle", [
    (["train", "--model", "flow", "--out", "x"], "invalid choice: 'flow' (choose from 'ae', 'dae', 'vae', 'cvae', 'vqvae', 'vqvae2'"),
    (["train", "--model", "vae", "--dataset", "imagenet", "--out", "x"], "valid: mnist5k"),
    (["train", "--model", "vae", "--lr", "-1", "--out", "x"], "must be positive"),
    (["train", "--model", "vae", "--epochs", "2", "--steps", "3", "--out", "x"], "not both"),
    (["train", "--model", "vae"], "--out"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_arguments_exit_2_with_a_message(args, needle, capsys):
    with pytest.raises(SystemExit) as e:
        main(args)
    assert e.value.code == 2
    assert needle in capsys.readouterr().err


def test_errors_from_runs_are_one_line_exit_1(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    r = run_cli("eval", "--run", str(tmp_path))
    assert r.returncode == 1 and r.stderr.strip().count("\n") == 0 and r.stderr.startswith("error:")
    r = run_cli("train", "--model", "vae", "--dataset", "mnist", "--data-dir", str(tmp_path / "d"),
                "--out", str(tmp_path / "o"))
    assert r.returncode == 1 and "t10k-images-idx3-ubyte" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("train", "--model", "dcgan", "--dataset", "ring8", "--steps", "5", "--out", str(tmp_path / "p"))
    assert r.returncode == 1 and "needs image data" in r.stderr and "Traceback" not in r.stderr


def test_no_display_says_so_in_one_line():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    r = subprocess.run([sys.executable, "main.py"], cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 1
    assert "xvfb-run" in r.stderr and r.stderr.strip().count("\n") == 0
