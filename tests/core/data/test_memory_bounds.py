"""Bounded memory for bad or huge inputs: folder images decoded small, bombs skipped,
settings too large for the machine refused, and samples streamed to disk in chunks."""
import logging
import struct
import zlib

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from conftest import ROOT
from explorer.cli import main
from explorer.core import memory
from explorer.core.data import datasets, folder
from explorer.core.data import images
from explorer.core.sampling import priors
from explorer.core.data.datasets import DatasetError, load_dataset

DEMO_VAE = ROOT / "checkpoints" / "demo-vae"


def bomb_png(path, side=20000):
    """A valid 1-bit PNG of side x side pixels, ~50 KB on disk, written without holding it."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    z = zlib.compressobj(9)
    row = bytes(1 + (side + 7) // 8)            # filter byte 0, then black pixels
    body = b"".join(z.compress(row * 1000) for _ in range(side // 1000)) + z.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b""))


def small_pngs(folder, n=4, size=(12, 10)):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        Image.new("L", size, 40 * i).save(folder / f"{i}.png")


# -- folder datasets --------------------------------------------------------------------

def test_a_bomb_is_skipped_and_counted_and_the_rest_loads(tmp_path, caplog):
    small_pngs(tmp_path / "a")
    small_pngs(tmp_path / "b")
    bomb_png(tmp_path / "b" / "big.png")
    (tmp_path / "a" / "junk.png").write_bytes(b"not an image")
    with caplog.at_level(logging.WARNING, logger="explorer"):
        d = load_dataset(f"folder:{tmp_path}", image_size=16)
    assert len(d.train_x) + len(d.test_x) == 8 and d.shape == (1, 16, 16)
    assert d.label_names == ["a", "b"]
    lines = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert len(lines) == 1 and d.warnings == lines
    msg = lines[0]
    assert "\n" not in msg and "skipped 2 files" in msg
    assert "1 larger than the 89-megapixel cap (b/big.png)" in msg and "1 unreadable (a/junk.png)" in msg


def test_images_just_over_the_cap_are_skipped_too(tmp_path, monkeypatch):
    """Between the cap and twice it Pillow only warns (DecompressionBombWarning): still skipped."""
    small_pngs(tmp_path, 3)
    Image.new("L", (120, 100)).save(tmp_path / "warned.png")      # 12,000 px: a warning
    Image.new("L", (300, 300)).save(tmp_path / "refused.png")     # 90,000 px: an error
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    d = load_dataset(f"folder:{tmp_path}", image_size=8)
    assert len(d.train_x) + len(d.test_x) == 3
    assert "skipped 2 files: 2 larger than the 0-megapixel cap" in d.warnings[0]


def test_a_folder_of_only_bombs_says_why(tmp_path):
    bomb_png(tmp_path / "x.png")
    with pytest.raises(DatasetError, match=r"no readable images .*1 larger than the 89-megapixel cap \(x.png\)"):
        load_dataset(f"folder:{tmp_path}")


def test_a_large_jpeg_is_decoded_reduced(tmp_path, monkeypatch):
    from PIL import JpegImagePlugin

    for i, colour in enumerate([(220, 20, 20), (20, 20, 220)]):
        im = Image.new("RGB", (2000, 1600), colour)
        ImageDraw.Draw(im).rectangle([0, 0, 999, 1599], fill=(250, 250, 250))   # left half white
        im.save(tmp_path / f"{i}.jpg", quality=95)
    decoded = []
    load = JpegImagePlugin.JpegImageFile.load
    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load",
                        lambda self: (decoded.append(self.size), load(self))[1])
    d = load_dataset(f"folder:{tmp_path}", image_size=32)
    assert d.shape == (3, 32, 32) and d.train_x.dtype == torch.float32
    assert decoded and all(s == (250, 200) for s in decoded)   # 1/8 scale, never 2000 x 1600
    x = torch.cat([d.train_x, d.test_x])
    assert float(x[:, :, :, :14].min()) > 0.9                  # the white half
    assert float(x[:, :, :, 18:].max(1).values.min()) > 0.7 and float(x[:, :, :, 18:].min()) < 0.2


def test_a_large_png_is_box_reduced_before_resizing(tmp_path, monkeypatch):
    for i in range(2):
        im = Image.new("L", (1600, 1600), 0)
        ImageDraw.Draw(im).rectangle([0, 0, 799, 1599], fill=255)
        im.save(tmp_path / f"{i}.png")
    factors = []
    reduce = Image.Image.reduce
    monkeypatch.setattr(Image.Image, "reduce", lambda self, factor, box=None: (
        factors.append(factor), reduce(self, factor, box))[1])
    d = load_dataset(f"folder:{tmp_path}", image_size=20)
    assert d.shape == (1, 20, 20)
    assert factors and all(min(f) >= 20 for f in factors)      # reduced ~1600/20/3 before the resize
    x = torch.cat([d.train_x, d.test_x])
    assert float(x[..., :9].min()) > 0.95 and float(x[..., 11:].max()) < 0.05


def test_an_image_size_too_large_for_memory_is_refused_before_decoding(tmp_path, monkeypatch):
    small_pngs(tmp_path, 3)
    decoded = []
    real = folder._decode_small
    monkeypatch.setattr(folder, "_decode_small", lambda *a: (decoded.append(a), real(*a))[1])
    with pytest.raises(DatasetError) as e:
        load_dataset(f"folder:{tmp_path}", image_size=1_000_000)
    msg = str(e.value)
    assert "\n" not in msg and msg.startswith(f"folder:{tmp_path}: --image-size 1000000")
    assert "GiB" in msg and "of memory available" in msg and "3 images" in msg
    assert not decoded
    # what counts is the memory left: 10 kB refuses even 64 x 64 ...
    monkeypatch.setattr(memory, "available_memory_bytes", lambda: 10_000)
    with pytest.raises(DatasetError, match="--image-size 64 .*more than the 0.0 GiB"):
        load_dataset(f"folder:{tmp_path}", image_size=64)
    # ... and where it cannot be read nothing is refused
    monkeypatch.setattr(memory, "available_memory_bytes", lambda: None)
    assert load_dataset(f"folder:{tmp_path}", image_size=64).shape == (1, 64, 64)


def test_check_fits_and_available_memory():
    avail = memory.available_memory_bytes()
    assert avail is None or avail > 0
    assert memory.check_fits(1000, "tiny") == 1000
    if avail is not None:
        with pytest.raises(MemoryError, match=r"^--hidden 9 needs about .* GiB, more than the .* GiB"):
            memory.check_fits(avail * 2 + 2**30, "--hidden 9")
        with pytest.raises(KeyError):
            memory.check_fits(avail * 2 + 2**30, "x", error=KeyError)


# -- sample: numbered PNGs and streamed .npy ---------------------------------------------

def cells(path, k, shape=(1, 28, 28), pad=2):
    """The k images of a grid PNG back as (k, H, W) uint8 (channel 0)."""
    a = np.asarray(Image.open(path))
    scale = images.grid_scale(k, shape)
    a = a[::scale, ::scale, 0]
    _, h, w = shape
    nrow = int(np.ceil(np.sqrt(k)))
    rows = int(np.ceil(k / nrow))
    assert a.shape == (rows * (h + pad) + pad, nrow * (w + pad) + pad)
    out = [a[pad + r * (h + pad): pad + r * (h + pad) + h, pad + c * (w + pad): pad + c * (w + pad) + w]
           for r, c in (divmod(i, nrow) for i in range(k))]
    return np.stack(out)


def test_sample_above_the_cap_writes_numbered_files(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(images, "GRID_CAP", 10)
    out = tmp_path / "s.png"
    assert main(["sample", "--run", str(DEMO_VAE), "--n", "25", "--seed", "3", "--out", str(out)]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("wrote 25 samples to 3 files") and "s_0001.png .. s_0003.png" in line
    assert not out.exists()
    files = sorted(tmp_path.glob("s_*.png"))
    assert [p.name for p in files] == ["s_0001.png", "s_0002.png", "s_0003.png"]
    back = np.concatenate([cells(p, k) for p, k in zip(files, (10, 10, 5))])
    x, _ = priors.sample_model(priors_run(), 25, seed=3)
    assert np.array_equal(back, images.to_uint8(x)[..., 0])

    # numbered files are never overwritten: nothing is written, one line says why
    before = [p.read_bytes() for p in files]
    assert main(["sample", "--run", str(DEMO_VAE), "--n", "25", "--seed", "4", "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "s_0001.png already exists (and 2 more of them)" in err
    assert [p.read_bytes() for p in files] == before
    other = tmp_path / "t_0002.png"
    other.write_bytes(b"a user's file")
    assert main(["sample", "--run", str(DEMO_VAE), "--n", "25", "--out", str(tmp_path / "t.png")]) == 1
    assert "t_0002.png already exists" in capsys.readouterr().err
    assert other.read_bytes() == b"a user's file" and not (tmp_path / "t_0001.png").exists()


_RUN = {}


def priors_run():
    from explorer.core.runs import load_run
    if "vae" not in _RUN:
        _RUN["vae"] = load_run(DEMO_VAE, torch.device("cpu"))
    return _RUN["vae"]


def test_image_samples_stream_to_npy_as_uint8(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(priors, "SAMPLE_BLOCK", 7)
    out = tmp_path / "s.npy"
    assert main(["sample", "--run", str(DEMO_VAE), "--n", "30", "--seed", "5", "--out", str(out)]) == 0
    a = np.load(out)
    assert a.shape == (30, 1, 28, 28) and a.dtype == np.uint8
    x, _ = priors.sample_model(priors_run(), 30, seed=5)     # the same 7-sample blocks, held whole
    assert np.array_equal(a, images.to_uint8_chw(x))
    assert not list(tmp_path.glob(".*.tmp"))


def test_points_stream_to_npy_equal_to_one_draw(tmp_path, monkeypatch, capsys):
    from explorer.core.runs import load_run

    run_dir = tmp_path / "moons"
    assert main(["train", "--model", "vae", "--dataset", "moons", "--steps", "5", "--hidden", "8",
                 "--out", str(run_dir), "--quiet"]) == 0
    monkeypatch.setattr(priors, "SAMPLE_BLOCK", 8)
    out = tmp_path / "p.npy"
    assert main(["sample", "--run", str(run_dir), "--n", "30", "--seed", "2", "--out", str(out)]) == 0
    a = np.load(out)
    assert a.shape == (30, 2) and a.dtype == np.float32
    run = load_run(run_dir, torch.device("cpu"))
    x, _ = priors.sample_model(run, 30, seed=2)
    assert np.array_equal(a, x.numpy())
    # below one block, the samples are those of one generate() call, as before there were blocks
    assert torch.equal(priors.sample_model(run, 8, seed=2)[0],
                       run.model.generate(8, generator=torch.Generator().manual_seed(2)))


def test_sample_blocks_cycle_classes_and_check_first():
    run = priors_run()
    blocks, note = priors.sample_blocks(run, 10, seed=1, block=4)
    assert [len(b) for b in blocks] == [4, 4, 2] and note == ""
    with pytest.raises(ValueError, match="not conditional"):
        priors.sample_blocks(run, 10, label=1)


def test_npy_stream_checks_its_row_count(tmp_path):
    path = tmp_path / "x.npy"
    with images.NpyStream(path, 5, (2,), np.float32) as f:
        f.write(np.ones((3, 2)))
        f.write(np.zeros((2, 2)))
    assert np.array_equal(np.load(path), np.r_[np.ones((3, 2)), np.zeros((2, 2))].astype(np.float32))
    with pytest.raises(ValueError, match="3 rows written of the 5"):
        with images.NpyStream(tmp_path / "short.npy", 5, (2,), np.float32) as f:
            f.write(np.ones((3, 2)))
    with pytest.raises(ValueError, match="more than the 2 rows"):
        with images.NpyStream(tmp_path / "long.npy", 2, (2,), np.float32) as f:
            f.write(np.ones((3, 2)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.npy"]


def test_regroup_and_numbered_paths(tmp_path):
    parts = list(images.regroup([torch.arange(3), torch.arange(3, 10), torch.arange(10, 11)], 4))
    assert [p.tolist() for p in parts] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10]]
    assert [p.name for p in images.numbered_paths(tmp_path / "g.png", 2)] == ["g_0001.png", "g_0002.png"]
    assert images.numbered_paths(tmp_path / "g.png", 12345)[-1].name == "g_12345.png"
    assert images.grid_capacity((1, 28, 28)) == images.GRID_CAP
    assert images.grid_capacity((3, 512, 512)) < images.GRID_CAP


def test_held_samples_too_many_for_memory_are_refused(tmp_path, capsys):
    out = tmp_path / "d.png"
    assert main(["sample", "--run", str(ROOT / "checkpoints" / "demo-dcgan"), "--n", "1000000000", "--drs",
                 "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith("error: --n 1000000000 with --drs") and "GiB" in err
    assert not list(tmp_path.iterdir())


def test_offline_download_names_dataset_directory_and_files(tmp_path, monkeypatch):
    from urllib.error import URLError

    import torchvision.datasets.cifar as cifar
    import torchvision.datasets.mnist as mnist

    def offline(*a, **k):
        raise URLError(OSError(-2, "Name or service not known"))
    monkeypatch.setattr(mnist, "download_and_extract_archive", offline)
    monkeypatch.setattr(cifar, "download_and_extract_archive", offline)
    for name, where, file in [("mnist", "MNIST/raw", "t10k-labels-idx1-ubyte"),
                              ("cifar10", "cifar-10-batches-py", "batches.meta")]:
        with pytest.raises(DatasetError) as e:
            datasets.load_torchvision(name, tmp_path / name, download=True)
        msg = str(e.value)
        assert "\n" not in msg and msg.startswith(f"{name}: download into {tmp_path / name / where} failed")
        assert "Name or service not known" in msg and file in msg and "--download" in msg
