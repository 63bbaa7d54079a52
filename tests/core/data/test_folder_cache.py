"""A folder decoded once into a uint8 cache file and read from it a batch at a time: the
same floats as decoding it in memory, rebuilt when the folder changes, a truncated cache
refused in one line, and the store indexing like the tensor it stands for."""
import pickle

import numpy as np
import pytest
import torch
from PIL import Image

from explorer.core.data import folder as folder_loader, folder_cache
from explorer.core.data.datasets import DatasetError, cache_dir, load_dataset
from explorer.core.data.store import ImageStore


def folder(tmp_path, n=6, colour=False):
    for i in range(n):
        label = tmp_path / ("a" if i % 2 else "b")
        label.mkdir(parents=True, exist_ok=True)
        if colour:
            Image.new("RGB", (12, 10), ((30 * i) % 256, (200 - 20 * i) % 256, 7 * i % 256)).save(label / f"{i}.png")
        else:
            im = Image.new("L", (12, 10), (30 * i) % 256)
            im.putpixel((i % 12, 1), 255)
            im.save(label / f"{i}.png")
    return tmp_path


def cache_of(root, size, channels="auto"):
    return folder_cache.place(cache_dir(), root, size, channels)


@pytest.mark.parametrize("colour", [False, True])
def test_a_folder_is_decoded_once_into_its_cache_and_read_back_the_same(tmp_path, monkeypatch, colour):
    root = folder(tmp_path / "f", colour=colour)
    first = load_dataset(f"folder:{root}", image_size=8)
    where = cache_of(root, 8)
    c = 3 if colour else 1
    assert first.shape == (c, 8, 8) and isinstance(first.train_x, ImageStore)
    images = first.train_x.path
    assert images.parent == where and images.name.startswith("images-") and images.stat().st_size == 6 * c * 8 * 8
    # the same floats as the images decoded in memory (what load_folder made before the cache)
    (tmp_path / "a-file").write_text("")   # a cache directory that cannot be made: decoded in memory
    monkeypatch.setattr(folder_cache, "place", lambda *a: tmp_path / "a-file" / "x")
    in_memory = load_dataset(f"folder:{root}", image_size=8)
    monkeypatch.undo()
    assert in_memory.train_x.path is None and first.train_x.path == images
    assert torch.equal(in_memory.train_x[:], first.train_x[:]) and torch.equal(in_memory.test_x[:], first.test_x[:])
    # the second load reads the cache and decodes nothing
    decoded = []
    real = folder_loader._decode_small
    monkeypatch.setattr(folder_loader, "_decode_small", lambda *a: (decoded.append(a), real(*a))[1])
    again = load_dataset(f"folder:{root}", image_size=8)
    assert not decoded
    assert torch.equal(again.train_x[:], first.train_x[:]) and torch.equal(again.train_y, first.train_y)
    assert again.label_names == first.label_names == ["a", "b"]


def test_the_cache_is_rebuilt_when_the_folder_changes_and_a_truncated_one_is_refused(tmp_path):
    root = folder(tmp_path / "f")
    before = load_dataset(f"folder:{root}", image_size=8)
    assert len(before.train_x) + len(before.test_x) == 6
    Image.new("L", (12, 10), 99).save(root / "a" / "new.png")
    after = load_dataset(f"folder:{root}", image_size=8)
    assert len(after.train_x) + len(after.test_x) == 7
    where = cache_of(root, 8)
    assert after.train_x.path.stat().st_size == 7 * 64
    assert not before.train_x.path.exists()                  # the old decoding is gone from the cache...
    assert torch.equal(before.train_x[:2], before.train_x[:2])   # ...and still read by the store made from it
    (root / "a" / "junk.png").write_bytes(b"not an image")   # skipped files come back from the cache too
    load_dataset(f"folder:{root}", image_size=8)
    assert "1 unreadable (a/junk.png)" in load_dataset(f"folder:{root}", image_size=8).warnings[0]

    images = after.train_x.path.with_name(load_dataset(f"folder:{root}", image_size=8).train_x.path.name)
    images.write_bytes(images.read_bytes()[:100])
    with pytest.raises(DatasetError) as e:
        load_dataset(f"folder:{root}", image_size=8)
    msg = str(e.value)
    assert "\n" not in msg and "is truncated (100 of 448 bytes)" in msg and str(where) in msg
    assert images.stat().st_size == 100   # refused, not deleted
    # a half-written cache (no meta.json: the decoding was interrupted) is decoded again
    (where / "meta.json").unlink()
    rebuilt = load_dataset(f"folder:{root}", image_size=8)
    assert len(rebuilt.train_x) + len(rebuilt.test_x) == 7
    assert images.stat().st_size == 7 * 64


def test_a_store_indexes_like_the_float_tensor_it_stands_for(tmp_path):
    rng = np.random.default_rng(0)
    u8 = rng.integers(0, 256, (20, 2, 3, 3), dtype=np.uint8)
    (tmp_path / "x.u8").write_bytes(u8.tobytes())
    rows = np.array([1, 3, 4, 5, 9, 10, 11, 19])
    full = torch.from_numpy(u8).float() / 255
    expected = full[rows]
    for store in (ImageStore(u8, rows), ImageStore.from_file(tmp_path / "x.u8", 20, (2, 3, 3), rows)):
        assert len(store) == 8 and store.shape == (8, 2, 3, 3) and store.dtype == torch.float32
        assert store.is_floating_point() and store.dim() == 4
        assert torch.equal(store[:], expected) and torch.equal(store[2:5], expected[2:5])
        assert torch.equal(store[3], expected[3]) and torch.equal(store[-1], expected[-1])
        idx = torch.tensor([7, 0, 2, 2, 5])
        assert torch.equal(store[idx], expected[idx])                 # any order, repeats
        assert torch.equal(store[np.array([4, 1])], expected[[4, 1]])
        assert torch.equal(store[:, 1], expected[:, 1]) and torch.equal(store[2, 0, 1], expected[2, 0, 1])
        mask = torch.zeros(8, dtype=torch.bool)
        mask[[1, 6]] = True
        assert torch.equal(store[mask], expected[mask])
        assert torch.equal(torch.cat([store, store]), torch.cat([expected, expected]))
        assert torch.equal(store.to("cpu")[1:3], expected[1:3])
        with pytest.raises(IndexError):
            store[8]
        assert torch.equal(pickle.loads(pickle.dumps(store))[:], expected)   # to another process


def test_a_model_trains_evaluates_and_is_mapped_from_a_cached_folder(tmp_path):
    """The paths that read a split (training batches, evaluation, encoding for the map,
    classifier rejection's real partners) take a store as they took a tensor."""
    from explorer.core.maps.encoding import encode_data
    from explorer.core.runs import load_run
    from explorer.core.training.config import make_configs
    from explorer.core.training.engine import Failed, Finished, TrainingEngine

    root = folder(tmp_path / "f", n=40)
    data = load_dataset(f"folder:{root}", image_size=8)
    mc, tc = make_configs("vae", data, {}, {"steps": 8, "batch_size": 8, "seed": 0, "dataset": data.name,
                                           "image_size": 8})
    events = list(TrainingEngine.create(tmp_path / "run", mc, tc, data=data).run())
    assert not [e for e in events if isinstance(e, Failed)]
    assert isinstance(events[-1], Finished) and events[-1].step == 8
    run = load_run(tmp_path / "run")
    enc = encode_data(run.model, data, cap=30)
    assert enc.latents.shape == (30, run.model.latent.dim) and np.isfinite(enc.latents).all()
    inputs = enc.inputs(data, [0, 29])
    assert inputs.shape == (2, 1, 8, 8) and inputs.dtype == torch.float32
    pairs = data.train_x[torch.tensor([[0, 1], [2, 3], [4, 5]])]
    assert pairs.shape == (3, 2, 1, 8, 8) and torch.equal(pairs[1, 0], data.train_x[2])


def test_a_folder_decoded_into_memory_is_checked_against_the_memory_left(tmp_path, monkeypatch):
    from explorer.core import memory

    root = folder(tmp_path / "f")
    (tmp_path / "a-file").write_text("")   # the cache directory cannot be made
    monkeypatch.setattr(folder_cache, "place", lambda *a: tmp_path / "a-file" / "x")
    monkeypatch.setattr(folder_loader, "WORKING_IMAGES", 2)    # a batch of 2 fits in 1,000 bytes; all 6 do not
    monkeypatch.setattr(memory, "available_memory_bytes", lambda: 1000)
    with pytest.raises(DatasetError) as e:
        load_dataset(f"folder:{root}", image_size=8)
    assert "\n" not in str(e.value) and "as uint8 in memory, the cache directory being unwritable" in str(e.value)
