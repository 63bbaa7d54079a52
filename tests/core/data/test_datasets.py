import logging
import struct

import numpy as np
import pytest
import torch

from explorer.core.data import datasets as ds
from explorer.bench.train import write_mnist_idx
from explorer.core.data.datasets import DatasetError, load_dataset


def test_mnist5k_is_real_offline_and_stratified():
    d = load_dataset("mnist5k")
    assert d.kind == "image" and d.shape == (1, 28, 28)
    assert len(d.train_x) == 4500 and len(d.test_x) == 500
    assert d.test_y.bincount().tolist() == [50] * 10
    assert d.train_y.bincount().tolist() == [450] * 10
    assert 0 <= float(d.train_x.min()) and float(d.train_x.max()) == 1.0
    # real digits: a mean "1" has far less ink than a mean "0"
    ink = [float(d.train_x[d.train_y == c].mean()) for c in (0, 1)]
    assert ink[0] > 1.5 * ink[1]
    again = load_dataset("mnist5k")
    assert torch.equal(again.test_y, d.test_y)


def test_digits_and_shapes():
    d = load_dataset("digits")
    assert d.shape == (1, 8, 8) and len(d.train_x) + len(d.test_x) == 1797
    s = load_dataset("shapes")
    assert s.shape == (1, 28, 28) and s.label_names == ["square", "circle", "triangle"]
    assert set(s.train_factors) == {"shape", "scale", "rotation", "x", "y"}
    assert np.array_equal(s.train_factors["shape"], s.train_y.numpy())
    # bigger scale factor, more ink
    ink = s.train_x.flatten(1).mean(1).numpy()
    big = s.train_factors["scale"] > 0.25
    small = s.train_factors["scale"] < 0.16
    assert ink[big].mean() > 2 * ink[small].mean()


@pytest.mark.parametrize("name,k,sigma,radius", [("ring8", 8, 0.01, 1.0), ("grid25", 25, 0.05, None)])
def test_toy_mixtures_follow_the_published_setups(name, k, sigma, radius):
    d = load_dataset(name)
    assert len(d.train_x) + len(d.test_x) == 100_000
    assert d.n_classes == k and len(d.modes) == k and d.sigma == sigma
    resid = d.train_x.numpy() - d.modes[d.train_y.numpy()]
    assert abs(resid.std() - sigma) < 0.1 * sigma
    if radius:
        assert np.allclose(np.linalg.norm(d.modes, axis=1), radius)
    else:
        assert sorted(set(d.modes[:, 0])) == [-4, -2, 0, 2, 4]


@pytest.mark.parametrize("name", ["moons", "spiral"])
def test_other_toys(name):
    d = load_dataset(name)
    assert d.kind == "points" and d.shape == (2,) and d.n_classes == 2


def test_unknown_dataset_lists_valid_names():
    with pytest.raises(DatasetError, match="valid: mnist5k.*folder:PATH"):
        load_dataset("imagenet")


@pytest.mark.parametrize("name", ["mnist", "fashion-mnist", "kmnist", "cifar10"])
def test_torchvision_offline_error_names_dir_and_files(name, tmp_path):
    with pytest.raises(DatasetError) as e:
        load_dataset(name, data_dir=tmp_path)
    msg = str(e.value)
    assert "\n" not in msg and str(tmp_path) in msg and "--download" in msg
    assert ("t10k-images-idx3-ubyte" in msg) or ("data_batch_1" in msg)


def test_torchvision_mnist_loads_real_idx_files(tmp_path):
    """The offline path: IDX files written from mnist5k, read by torchvision's own MNIST class."""
    src = load_dataset("mnist5k")
    write_mnist_idx(tmp_path, src)
    head = (tmp_path / "MNIST/raw/train-images-idx3-ubyte").read_bytes()[:16]
    assert struct.unpack(">IIII", head) == (2051, 4500, 28, 28)
    d = load_dataset("mnist", data_dir=tmp_path)
    assert d.shape == (1, 28, 28) and len(d.train_x) == 4500 and len(d.test_x) == 500
    assert torch.allclose(d.train_x, src.train_x, atol=1 / 255)
    assert torch.equal(d.test_y, src.test_y)
    assert d.label_names[0].startswith("0")


def _png(path, value, size=(12, 10), mode="L"):
    from PIL import Image
    Image.new(mode, size, value).save(path)


def test_folder_dataset_labels_resizes_and_counts_bad_files(tmp_path, caplog):
    for label in ("cats", "dogs"):
        (tmp_path / label).mkdir()
        for i in range(4):
            _png(tmp_path / label / f"{i}.png", 40 * i)
    (tmp_path / "dogs" / "broken.png").write_bytes(b"not an image")
    (tmp_path / "cats" / "broken.jpg").write_bytes(b"\x89PNG garbage")
    with caplog.at_level(logging.WARNING, logger="explorer"):
        d = load_dataset(f"folder:{tmp_path}", image_size=16)
    assert d.label_names == ["cats", "dogs"]
    assert d.shape == (1, 16, 16)
    assert len(d.train_x) + len(d.test_x) == 8
    warnings = [r for r in caplog.records if "unreadable" in r.getMessage()]
    assert len(warnings) == 1 and "skipped 2" in warnings[0].getMessage()
    assert d.warnings and "skipped 2" in d.warnings[0]


def test_folder_dataset_colour_images_get_three_channels(tmp_path):
    for i in range(3):
        _png(tmp_path / f"{i}.png", (255, 0, 10 * i), mode="RGB")
    d = load_dataset(f"folder:{tmp_path}", image_size=8)
    assert d.shape == (3, 8, 8) and d.label_names == ["(root)"]
    assert float(d.train_x[:, 0].mean()) == pytest.approx(1.0)


def test_empty_or_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DatasetError, match="no readable images"):
        load_dataset(f"folder:{tmp_path}")
    (tmp_path / "junk.png").write_bytes(b"nope")
    with pytest.raises(DatasetError, match="1 unreadable"):
        load_dataset(f"folder:{tmp_path}")
    with pytest.raises(DatasetError, match="no such directory"):
        load_dataset(f"folder:{tmp_path}/missing")


def test_render_shapes_is_centred_where_asked():
    img = ds.render_shapes(np.array([1]), np.array([0.2]), np.array([0.0]), np.array([0.25]), np.array([0.75]))[0]
    ys, xs = np.nonzero(img > 0.5)
    assert abs(xs.mean() - 0.25 * 28 + 0.5) < 1.0 and abs(ys.mean() - 0.75 * 28 + 0.5) < 1.0


def test_folder_dataset_grey_palettes_mixed_folders_and_forced_channels(tmp_path):
    from PIL import Image

    grey = tmp_path / "grey"
    grey.mkdir()
    for i in range(3):
        im = Image.new("P", (20, 20), 0)
        im.putpalette([v for k in range(256) for v in (k, k, k)])   # a grey palette
        im.putpixel((0, 0), 200)
        im.save(grey / f"p{i}.png")
    _png(grey / "l.png", 90)
    d = ds.load_folder(str(grey), image_size=10)
    assert d.shape == (1, 10, 10)
    # one colour picture makes the folder colour; its grey pictures repeat in each channel
    _png(tmp_path / "red.png", (250, 0, 0), mode="RGB")
    _png(tmp_path / "grey2.png", 128)
    d = ds.load_folder(str(tmp_path), image_size=6)
    assert d.shape == (3, 6, 6)
    x = torch.cat([d.train_x, d.test_x])
    red = x[:, 0].mean((1, 2)) > x[:, 1].mean((1, 2)) + 0.5
    assert int(red.sum()) == 1 and torch.equal(x[~red][:, 0], x[~red][:, 2])
    assert ds.load_folder(str(tmp_path), image_size=6, channels="1").shape == (1, 6, 6)
    assert ds.load_folder(str(grey), image_size=6, channels="3").shape == (3, 6, 6)
    with pytest.raises(DatasetError, match="channels must be auto, 1 or 3"):
        ds.load_folder(str(grey), channels="2")


@pytest.mark.parametrize("name", ["mnist5k", "digits", "shapes"])
def test_the_shipped_classifiers_are_found_without_training(name):
    """Each offline image set's classifier ships in explorer/assets/classifiers: with an empty
    cache (the tests' own) it loads from there, and no one trains it on first use. (Its path
    once pointed one folder too deep, and every new machine and every test session trained
    a classifier again.)"""
    from explorer.core.data.classifier import classifier_paths, get_classifier

    data = load_dataset(name)
    assert classifier_paths(data)[1].exists()
    clf = get_classifier(data, train_if_missing=False)
    assert clf is not None
    labels, _ = clf.predict(data.test_x[:200])
    assert (labels == data.test_y[:200]).float().mean() > 0.8
